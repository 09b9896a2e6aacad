// SSRF-safe fetch (issue #4 item 3; hermes-behaviour §10-11). Every hop - the requested URL and each
// redirect target - passes the website blocklist and the URL policy (scheme, literal IPs, metadata,
// EVERY DNS answer) before any byte is sent, and the connection goes to the vetted address through
// the pinned dispatcher. Redirects are followed manually, up to `maxRedirects`.
import { checkWebsite, type UrlPolicy, type WebsiteBlocklist } from '@hermes/security';
import { type Dispatcher, request } from 'undici';
import { TooManyRedirectsError, UrlBlockedError, WebsiteBlockedError } from './errors.ts';
import { createPinnedAgent, PinnedAddresses } from './pinned-dispatcher.ts';
import { type Resolver, systemResolver } from './resolver.ts';
import { vetUrl } from './vet-url.ts';

/** Default redirect budget (each hop re-validated). */
export const DEFAULT_MAX_REDIRECTS = 5;

export interface GuardedFetchOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly policy?: UrlPolicy;
  readonly blocklist?: WebsiteBlocklist;
  /** Injected in tests; defaults to the system resolver. */
  readonly resolver?: Resolver;
  readonly maxRedirects?: number;
  readonly signal?: AbortSignal;
  /** Per-hop header and body timeouts (ms). */
  readonly timeoutMs?: number;
}

export interface GuardedResponse {
  /** Final URL after redirects. */
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Every URL requested, in order. */
  readonly chain: readonly string[];
  readonly body: Dispatcher.ResponseData['body'];
  text(): Promise<string>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

export async function guardedFetch(input: string, options: GuardedFetchOptions = {}): Promise<GuardedResponse> {
  const resolver = options.resolver ?? systemResolver;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const pins = new PinnedAddresses();
  const agent = createPinnedAgent(pins);
  let method = (options.method ?? 'GET').toUpperCase();
  let body = options.body;
  let headers: Record<string, string> = { ...(options.headers ?? {}) };
  let current = input;
  const chain: string[] = [];
  let handedOff = false;
  try {
    for (let hop = 0; ; hop++) {
      if (hop > maxRedirects) throw new TooManyRedirectsError(input, maxRedirects);
      if (options.blocklist) {
        const block = checkWebsite(current, options.blocklist);
        if (block) throw new WebsiteBlockedError(block, hop);
      }
      const vetted = await vetUrl(current, {
        resolver,
        ...(options.policy ? { policy: options.policy } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!vetted.ok) throw new UrlBlockedError(current, vetted.reason, hop);
      pins.set(vetted.url.hostname, vetted.addresses);
      chain.push(vetted.url.href);
      const res = await request(vetted.url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: body ?? null,
        dispatcher: agent,
        signal: options.signal ?? null,
        headersTimeout: options.timeoutMs ?? 30_000,
        bodyTimeout: options.timeoutMs ?? 30_000,
      });
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode) && typeof location === 'string') {
        await res.body.dump();
        let next: URL;
        try {
          next = new URL(location, vetted.url);
        } catch {
          throw new UrlBlockedError(location, 'unparseable redirect Location', hop + 1);
        }
        if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        if (next.origin !== vetted.url.origin) {
          headers = Object.fromEntries(
            Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.has(k.toLowerCase())),
          );
        }
        current = next.href;
        continue;
      }
      handedOff = true;
      res.body.once('close', () => void agent.close());
      return {
        url: vetted.url.href,
        status: res.statusCode,
        headers: res.headers,
        chain,
        body: res.body,
        text: () => res.body.text(),
      };
    }
  } finally {
    if (!handedOff) await agent.close();
  }
}
