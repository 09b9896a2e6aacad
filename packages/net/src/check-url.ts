// URL decision without fetching (for `hermes check url` and tools that only need a verdict).
import { checkWebsite, DEFAULT_URL_POLICY, type UrlPolicy, type WebsiteBlocklist } from '@hermes/security';
import { type Resolver, systemResolver } from './resolver.ts';
import { vetUrl } from './vet-url.ts';

export interface UrlDecision {
  readonly decision: 'allow' | 'deny';
  readonly reason: string;
}

export interface CheckUrlOptions {
  readonly policy?: UrlPolicy;
  readonly blocklist?: WebsiteBlocklist;
  readonly resolver?: Resolver;
  readonly noDns?: boolean;
  readonly signal?: AbortSignal;
}

export async function checkUrl(url: string, options: CheckUrlOptions = {}): Promise<UrlDecision> {
  if (options.blocklist) {
    const block = checkWebsite(url, options.blocklist);
    if (block) return { decision: 'deny', reason: block.message };
  }
  const v = await vetUrl(url, {
    policy: options.policy ?? DEFAULT_URL_POLICY,
    resolver: options.resolver ?? systemResolver,
    noDns: options.noDns === true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return v.ok ? { decision: 'allow', reason: v.reason } : { decision: 'deny', reason: v.reason };
}
