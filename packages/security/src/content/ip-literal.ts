// Literal IP parsing. Every notation a resolver or URL parser accepts must be normalised BEFORE
// classification (issue #4 item 3): decimal `2130706433`, octal `0177.0.0.1`, hex `0x7f.1`, short
// `127.1`, and IPv6 with embedded dotted quads or zone ids. Rules follow inet_aton / WHATWG URL.

/** A parsed address: IPv4 as an unsigned 32-bit number, IPv6 as eight 16-bit groups. */
export type IpAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly groups: readonly number[] };

function parseIpv4Part(part: string): number | null {
  if (part.length === 0 || part.length > 34) return null;
  let radix = 10;
  let digits = part;
  if (part.length >= 2 && part[0] === '0' && (part[1] === 'x' || part[1] === 'X')) {
    radix = 16;
    digits = part.slice(2);
    if (digits.length === 0) return 0; // WHATWG: "0x" alone is zero
  } else if (part.length >= 2 && part[0] === '0') {
    radix = 8;
    digits = part.slice(1);
  }
  const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return null;
  const n = Number.parseInt(digits, radix);
  return Number.isFinite(n) ? n : null;
}

/**
 * Parses an IPv4 literal in any inet_aton notation (1 to 4 parts, each decimal, octal with a leading
 * 0, or hex with 0x; the last part fills the remaining bytes). Returns the unsigned 32-bit value or
 * null when `host` is not an IPv4 literal.
 */
export function parseIpv4(host: string): number | null {
  const parts = host.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // one trailing dot is allowed
  if (parts.length === 0 || parts.length > 4) return null;
  const nums: number[] = [];
  for (const p of parts) {
    const n = parseIpv4Part(p);
    if (n === null) return null;
    nums.push(n);
  }
  const last = nums.pop()!;
  let value = 0;
  for (const n of nums) {
    if (n > 255) return null;
    value = value * 256 + n;
  }
  const remaining = 4 - nums.length;
  if (last >= 256 ** remaining) return null;
  return value * 256 ** remaining + last;
}

/** Parses an IPv6 literal (optionally bracketed, optionally with a `%zone`). Null when not IPv6. */
export function parseIpv6(input: string): number[] | null {
  let s = input;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone); // scope ids are stripped before classification (hermes §10)
  if (s.length < 2 || s.length > 45 || !s.includes(':')) return null;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return null;
  const parseSide = (side: string): number[] | null => {
    if (side === '') return [];
    const out: number[] = [];
    const pieces = side.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i === pieces.length - 1 && p.includes('.')) {
        const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(p) ? parseIpv4(p) : null;
        if (v4 === null) return null;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(Number.parseInt(p, 16));
      }
    }
    return out;
  };
  if (dbl >= 0) {
    const head = parseSide(s.slice(0, dbl));
    const tail = parseSide(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return null;
    return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const all = parseSide(s);
  return all && all.length === 8 ? all : null;
}

/** Parses any literal IP (v4 in every notation, v6 with or without brackets). */
export function parseIpLiteral(host: string): IpAddress | null {
  if (host.includes(':')) {
    const groups = parseIpv6(host);
    return groups ? { family: 6, groups } : null;
  }
  const value = parseIpv4(host);
  return value === null ? null : { family: 4, value };
}

export function formatIpv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export function formatIpv6(groups: readonly number[]): string {
  return groups.map((g) => g.toString(16)).join(':');
}

export function formatIp(addr: IpAddress): string {
  return addr.family === 4 ? formatIpv4(addr.value) : formatIpv6(addr.groups);
}
