// Address classification for SSRF decisions (issue #4 item 3; hermes-behaviour §10).
// Two tiers: the FLOOR (link-local and cloud metadata) is blocked whatever the configuration;
// everything else that is not globally routable is PRIVATE and may be relaxed by
// `security.allow_private_urls`. IPv6 forms that embed an IPv4 address (mapped, translated,
// compatible, NAT64, 6to4) report the embedded address's class first, so a wrapper never hides a
// blocked (or floor) target.
import { ipv4InRange, ipv6InRange } from './cidr.ts';
import { formatIpv4, type IpAddress, parseIpv4, parseIpv6 } from './ip-literal.ts';

export type AddressClass =
  | { readonly blocked: false }
  | { readonly blocked: true; readonly floor: boolean; readonly range: string };

interface V4Range {
  readonly base: number;
  readonly prefix: number;
  readonly label: string;
  readonly floor: boolean;
}

const v4 = (cidr: string, label: string, floor = false): V4Range => {
  const [a, p] = cidr.split('/');
  return { base: parseIpv4(a!)!, prefix: Number(p), label, floor };
};

// Floor first, so a metadata address inside a private block reports as the floor.
const V4_RANGES: readonly V4Range[] = [
  v4('169.254.0.0/16', 'link-local / cloud metadata', true), // incl. 169.254.169.254, .170.2, .169.253
  v4('100.100.100.200/32', 'cloud metadata (Alibaba)', true),
  v4('192.0.0.192/32', 'cloud metadata (Oracle)', true),
  v4('168.63.129.16/32', 'cloud platform endpoint (Azure)', true),
  v4('0.0.0.0/8', 'this-network / unspecified'),
  v4('10.0.0.0/8', 'private (RFC 1918)'),
  v4('100.64.0.0/10', 'carrier-grade NAT (RFC 6598)'),
  v4('127.0.0.0/8', 'loopback'),
  v4('172.16.0.0/12', 'private (RFC 1918)'),
  v4('192.0.0.0/24', 'IETF protocol assignments'),
  v4('192.0.2.0/24', 'documentation (TEST-NET-1)'),
  v4('192.88.99.0/24', '6to4 relay anycast (deprecated)'),
  v4('192.168.0.0/16', 'private (RFC 1918)'),
  v4('198.18.0.0/15', 'benchmarking (RFC 2544)'),
  v4('198.51.100.0/24', 'documentation (TEST-NET-2)'),
  v4('203.0.113.0/24', 'documentation (TEST-NET-3)'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved (incl. broadcast)'),
];

export function classifyIpv4(value: number): AddressClass {
  for (const r of V4_RANGES) {
    if (ipv4InRange(value, r.base, r.prefix)) return { blocked: true, floor: r.floor, range: r.label };
  }
  return { blocked: false };
}

interface V6Range {
  readonly groups: readonly number[];
  readonly prefix: number;
  readonly label: string;
  readonly floor: boolean;
}
const v6 = (cidr: string, label: string, floor = false): V6Range => {
  const [a, p] = cidr.split('/');
  return { groups: parseIpv6(a!)!, prefix: Number(p), label, floor };
};

const V6_FLOOR: readonly V6Range[] = [v6('fd00:ec2::254/128', 'cloud metadata (AWS IPv6)', true)];
// Inside global unicast 2000::/3, these are still not public (Python ipaddress is_private set plus
// RFC 9637 documentation). Everything outside 2000::/3 is blocked unless it embeds a public IPv4.
const V6_SPECIAL: readonly V6Range[] = [
  v6('2001::/23', 'IETF protocol assignments (incl. Teredo)'),
  v6('2001:db8::/32', 'documentation'),
  v6('3fff::/20', 'documentation'),
];

/** Returns the IPv4 address an IPv6 address embeds, with the wrapper's name, or null. */
export function embeddedIpv4(groups: readonly number[]): { value: number; wrapper: string } | null {
  const g = (i: number) => groups[i] ?? 0;
  const low32 = g(6) * 65536 + g(7);
  const zeros = (from: number, to: number) => groups.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g(5) === 0xffff) return { value: low32, wrapper: 'IPv4-mapped' }; // ::ffff:a.b.c.d
  if (zeros(0, 4) && g(4) === 0xffff && g(5) === 0) return { value: low32, wrapper: 'IPv4-translated' }; // ::ffff:0:a.b.c.d
  if (zeros(0, 6)) return { value: low32, wrapper: 'IPv4-compatible' }; // ::a.b.c.d (deprecated)
  if (g(0) === 0x64 && g(1) === 0xff9b && zeros(2, 6)) return { value: low32, wrapper: 'NAT64' }; // 64:ff9b::/96
  if (g(0) === 0x64 && g(1) === 0xff9b && g(2) === 1) return { value: low32, wrapper: 'NAT64 local-use' }; // 64:ff9b:1::/48
  if (g(0) === 0x2002) return { value: g(1) * 65536 + g(2), wrapper: '6to4' }; // 2002:AABB:CCDD::/48
  return null;
}

export function classifyIpv6(groups: readonly number[]): AddressClass {
  for (const r of V6_FLOOR) {
    if (ipv6InRange(groups, r.groups, r.prefix)) return { blocked: true, floor: true, range: r.label };
  }
  const isZero = groups.every((x) => x === 0);
  if (isZero) return { blocked: true, floor: false, range: 'unspecified (::)' };
  if (groups.slice(0, 7).every((x) => x === 0) && groups[7] === 1) {
    return { blocked: true, floor: false, range: 'loopback (::1)' };
  }
  const embedded = embeddedIpv4(groups);
  if (embedded) {
    const inner = classifyIpv4(embedded.value);
    if (inner.blocked) {
      return {
        blocked: true,
        floor: inner.floor,
        range: `${embedded.wrapper} ${formatIpv4(embedded.value)}: ${inner.range}`,
      };
    }
    // Only the mapped/translated forms are plain aliases of the v4 address (hermes §10). Compatible,
    // NAT64 and 6to4 are reserved / non-global in Python's ipaddress, which Hermes follows, and a
    // translator would be a second hop we cannot vet: block them even around a public address.
    if (embedded.wrapper === 'IPv4-mapped' || embedded.wrapper === 'IPv4-translated') return { blocked: false };
    return {
      blocked: true,
      floor: false,
      range: `${embedded.wrapper} ${formatIpv4(embedded.value)} (not globally routable)`,
    };
  }
  const first = groups[0] ?? 0;
  if (first >= 0xfe80 && first <= 0xfebf) return { blocked: true, floor: false, range: 'link-local (fe80::/10)' };
  if (first >= 0xfc00 && first <= 0xfdff) return { blocked: true, floor: false, range: 'unique local (fc00::/7)' };
  if (first >= 0xff00) return { blocked: true, floor: false, range: 'multicast (ff00::/8)' };
  if (first < 0x2000 || first > 0x3fff) return { blocked: true, floor: false, range: 'reserved (outside 2000::/3)' };
  for (const r of V6_SPECIAL) {
    if (ipv6InRange(groups, r.groups, r.prefix)) return { blocked: true, floor: r.floor, range: r.label };
  }
  return { blocked: false };
}

export function classifyAddress(addr: IpAddress): AddressClass {
  return addr.family === 4 ? classifyIpv4(addr.value) : classifyIpv6(addr.groups);
}
