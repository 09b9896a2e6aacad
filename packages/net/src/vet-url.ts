// One hop's full SSRF decision: the pure policy (@hermes/security) plus DNS through the injected
// resolver. Returns the vetted addresses the connection must use.
import { DEFAULT_URL_POLICY, evaluateResolved, evaluateUrl, type IpAddress, type UrlPolicy } from '@hermes/security';
import type { Resolver } from './resolver.ts';

export type VetResult =
  | { readonly ok: false; readonly reason: string }
  | {
      readonly ok: true;
      readonly url: URL;
      readonly host: string;
      readonly addresses: readonly IpAddress[];
      readonly reason: string;
    };

export interface VetOptions {
  readonly policy?: UrlPolicy;
  readonly resolver: Resolver;
  /** Deny hostnames that would need DNS instead of resolving them (`hermes check --no-dns`). */
  readonly noDns?: boolean;
  readonly signal?: AbortSignal;
}

export async function vetUrl(input: string, options: VetOptions): Promise<VetResult> {
  const policy = options.policy ?? DEFAULT_URL_POLICY;
  const verdict = evaluateUrl(input, policy);
  if (verdict.kind === 'deny') return { ok: false, reason: verdict.reason };
  if (verdict.kind === 'allow') {
    return { ok: true, url: verdict.url, host: verdict.host, addresses: [verdict.address], reason: verdict.reason };
  }
  if (options.noDns) return { ok: false, reason: `'${verdict.host}' needs DNS, which is disabled (--no-dns)` };
  let answers: readonly string[];
  try {
    answers = await options.resolver(verdict.host, options.signal);
  } catch {
    // hermes §10: DNS failure blocks (fail closed).
    return { ok: false, reason: `DNS lookup failed for '${verdict.host}'` };
  }
  const resolved = evaluateResolved(verdict.host, answers, policy);
  if (resolved.kind === 'deny') return { ok: false, reason: resolved.reason };
  return { ok: true, url: verdict.url, host: verdict.host, addresses: resolved.addresses, reason: resolved.reason };
}
