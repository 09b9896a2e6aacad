// CIDR ranges over parsed addresses (ip-literal.ts). Used by the address classifier and by the
// operator-declared ranges of the URL policy.
import { InvalidCidrError } from './errors.ts';
import { type IpAddress, parseIpv4, parseIpv6 } from './ip-literal.ts';

export type Cidr =
  | { readonly family: 4; readonly base: number; readonly prefix: number }
  | { readonly family: 6; readonly groups: readonly number[]; readonly prefix: number };

/** Parses `a.b.c.d/n` or `x::y/n` (strict dotted quad for v4). Throws InvalidCidrError. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const addr = (slash < 0 ? text : text.slice(0, slash)).trim();
  const prefixText = slash < 0 ? null : text.slice(slash + 1).trim();
  if (addr.includes(':')) {
    const groups = parseIpv6(addr);
    const prefix = prefixText === null ? 128 : Number(prefixText);
    if (!groups || !Number.isInteger(prefix) || prefix < 0 || prefix > 128) throw new InvalidCidrError(text);
    return { family: 6, groups, prefix };
  }
  const base = /^\d{1,3}(\.\d{1,3}){3}$/.test(addr) ? parseIpv4(addr) : null;
  const prefix = prefixText === null ? 32 : Number(prefixText);
  if (base === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new InvalidCidrError(text);
  return { family: 4, base, prefix };
}

export function ipv4InRange(value: number, base: number, prefix: number): boolean {
  if (prefix === 0) return true;
  const shift = 32 - prefix;
  return Math.floor(value / 2 ** shift) === Math.floor(base / 2 ** shift);
}

export function ipv6InRange(groups: readonly number[], base: readonly number[], prefix: number): boolean {
  let bits = prefix;
  for (let i = 0; i < 8 && bits > 0; i++) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((base[i] ?? 0) & mask)) return false;
    bits -= take;
  }
  return true;
}

export function cidrContains(range: Cidr, addr: IpAddress): boolean {
  if (range.family === 4) return addr.family === 4 && ipv4InRange(addr.value, range.base, range.prefix);
  return addr.family === 6 && ipv6InRange(addr.groups, range.groups, range.prefix);
}

/** True when two ranges of the same family share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  if (a.family === 4 && b.family === 4) {
    const p = Math.min(a.prefix, b.prefix);
    return ipv4InRange(a.base, b.base, p);
  }
  if (a.family === 6 && b.family === 6) return ipv6InRange(a.groups, b.groups, Math.min(a.prefix, b.prefix));
  return false;
}
