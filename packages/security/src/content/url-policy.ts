// Pure half of the SSRF guard (issue #4 item 3; hermes-behaviour §10). It decides everything that
// can be decided without the network: scheme, host extraction, literal IPs in every notation,
// metadata hostnames, and the verdict on a set of DNS answers handed in by the I/O layer
// (@hermes/net), which must dial exactly the addresses vetted here.
import { type Cidr, cidrContains, cidrOverlaps, parseCidr } from './cidr.ts';
import { classifyAddress } from './ip-classify.ts';
import { formatIp, type IpAddress, parseIpLiteral } from './ip-literal.ts';

/** Resolved URL policy; build it with createUrlPolicy. */
export interface UrlPolicy {
  /** `security.allow_private_urls`: relaxes private ranges only, never the metadata floor. */
  readonly allowPrivate: boolean;
  /** `security.fake_ip_ranges` after dropping declarations that overlap private space. */
  readonly fakeIpRanges: readonly Cidr[];
  /** Operator-trusted ranges (e.g. one LAN host); narrower than allowPrivate; floor still applies. */
  readonly trustedRanges: readonly Cidr[];
  /** Declarations of fake_ip_ranges that were refused, for a start-up warning. */
  readonly droppedFakeIpRanges: readonly string[];
}

export interface UrlPolicyOptions {
  readonly allowPrivateUrls?: boolean;
  readonly fakeIpRanges?: readonly string[];
  readonly trustedRanges?: readonly string[];
}

// hermes §10: a fake-IP declaration may not excuse RFC 1918, loopback, CGNAT, ULA, unspecified
// space; we add the metadata floor (169.254/16) to that list.
const FAKE_IP_FORBIDDEN = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '100.64.0.0/10',
  '0.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  '::1/128',
  '::/128',
].map(parseCidr);

/** Builds a policy; throws InvalidCidrError on a malformed range (config errors surface at start). */
export function createUrlPolicy(options: UrlPolicyOptions = {}): UrlPolicy {
  const fake: Cidr[] = [];
  const dropped: string[] = [];
  for (const text of options.fakeIpRanges ?? []) {
    const c = parseCidr(text);
    if (FAKE_IP_FORBIDDEN.some((f) => cidrOverlaps(c, f))) dropped.push(text);
    else fake.push(c);
  }
  return Object.freeze({
    allowPrivate: options.allowPrivateUrls === true,
    fakeIpRanges: Object.freeze(fake),
    trustedRanges: Object.freeze((options.trustedRanges ?? []).map(parseCidr)),
    droppedFakeIpRanges: Object.freeze(dropped),
  });
}

export const DEFAULT_URL_POLICY: UrlPolicy = createUrlPolicy();

/** Hostnames that reach cloud metadata services: blocked before DNS and regardless of toggles. */
export const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

export type UrlVerdict =
  | { readonly kind: 'deny'; readonly reason: string; readonly host?: string }
  | {
      readonly kind: 'allow';
      readonly reason: string;
      readonly url: URL;
      readonly host: string;
      readonly address: IpAddress;
    }
  | { readonly kind: 'resolve'; readonly url: URL; readonly host: string };

const ALLOWED_SCHEMES = new Set(['http:', 'https:']);

/**
 * The host a naive authority split sees (Python urlsplit style: netloc ends at the first / ? #,
 * userinfo ends at the LAST @). When it disagrees with the WHATWG host the fetcher will use, the
 * URL is ambiguous and is refused rather than guessed (e.g. `http://a.com\@127.0.0.1/`).
 */
export function rawAuthorityHost(input: string): string | null {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(input.trim());
  if (!m) return null;
  let authority = m[1]!;
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host: string;
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    host = end < 0 ? authority : authority.slice(0, end + 1);
  } else {
    const colon = authority.lastIndexOf(':');
    host = colon >= 0 ? authority.slice(0, colon) : authority;
  }
  return host.toLowerCase().replace(/\.+$/, '');
}

function canonicalHost(host: string): string {
  const ip = parseIpLiteral(host);
  return ip ? formatIp(ip) : host;
}

/** Verdict for one address under the policy; null means allowed. */
export function addressDenyReason(addr: IpAddress, policy: UrlPolicy, viaHostname: boolean): string | null {
  const cls = classifyAddress(addr);
  if (!cls.blocked) return null;
  const text = formatIp(addr);
  if (cls.floor) return `blocked address ${text}: ${cls.range} (always blocked)`;
  if (policy.trustedRanges.some((r) => cidrContains(r, addr))) return null;
  if (viaHostname && policy.fakeIpRanges.some((r) => cidrContains(r, addr))) return null;
  if (policy.allowPrivate) return null;
  return `blocked address ${text}: ${cls.range}`;
}

/**
 * First stage of a URL decision, no network. Literal-IP URLs are decided here; hostnames come back
 * as `resolve` for the I/O layer (or are denied outright when they are metadata names).
 */
export function evaluateUrl(input: string, policy: UrlPolicy = DEFAULT_URL_POLICY): UrlVerdict {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { kind: 'deny', reason: 'not an absolute http(s) URL' };
  }
  if (!ALLOWED_SCHEMES.has(url.protocol)) {
    return { kind: 'deny', reason: `scheme '${url.protocol.slice(0, -1)}' is not allowed (http/https only)` };
  }
  const host = url.hostname.replace(/\.+$/, '');
  if (host === '') return { kind: 'deny', reason: 'URL has no host' };
  const raw = rawAuthorityHost(input);
  if (raw !== null && /^[\x21-\x7e]*$/.test(raw) && canonicalHost(raw) !== canonicalHost(host)) {
    return { kind: 'deny', reason: `ambiguous URL authority ('${raw}' vs '${host}')`, host };
  }
  const literal = parseIpLiteral(host);
  if (literal) {
    const why = addressDenyReason(literal, policy, false);
    if (why) return { kind: 'deny', reason: why, host };
    return { kind: 'allow', reason: `public address ${formatIp(literal)}`, url, host, address: literal };
  }
  if (METADATA_HOSTNAMES.has(host))
    return { kind: 'deny', reason: `metadata hostname '${host}' (always blocked)`, host };
  // RFC 6761: localhost names never leave the machine; no lookup needed to know that.
  if ((host === 'localhost' || host.endsWith('.localhost')) && !policy.allowPrivate) {
    return { kind: 'deny', reason: `'${host}' is a loopback name`, host };
  }
  return { kind: 'resolve', url, host };
}

export type ResolvedVerdict =
  | { readonly kind: 'deny'; readonly reason: string }
  | { readonly kind: 'allow'; readonly reason: string; readonly addresses: readonly IpAddress[] };

/**
 * Second stage: EVERY answer must pass (hermes §10); an empty or unparseable answer blocks
 * (fail closed). The caller must connect only to the returned addresses.
 */
export function evaluateResolved(
  host: string,
  answers: readonly string[],
  policy: UrlPolicy = DEFAULT_URL_POLICY,
): ResolvedVerdict {
  if (answers.length === 0) return { kind: 'deny', reason: `DNS returned no address for '${host}'` };
  const addresses: IpAddress[] = [];
  for (const answer of answers) {
    const addr = parseIpLiteral(answer);
    if (!addr) return { kind: 'deny', reason: `unparseable DNS answer for '${host}'` };
    const why = addressDenyReason(addr, policy, true);
    if (why) return { kind: 'deny', reason: `'${host}' resolves to ${why}` };
    addresses.push(addr);
  }
  return {
    kind: 'allow',
    reason: `'${host}' resolves to public address${addresses.length > 1 ? 'es' : ''}`,
    addresses,
  };
}
