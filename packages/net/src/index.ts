// Public door of @hermes/net: the SSRF-guarded fetch and URL checks (issue #4 item 3).
export { type CheckUrlOptions, checkUrl, type UrlDecision } from './check-url.ts';
export { TooManyRedirectsError, UrlBlockedError, WebsiteBlockedError } from './errors.ts';
export {
  DEFAULT_MAX_REDIRECTS,
  type GuardedFetchOptions,
  type GuardedResponse,
  guardedFetch,
} from './guarded-fetch.ts';
export { createPinnedAgent, PinnedAddresses } from './pinned-dispatcher.ts';
export { type Resolver, systemResolver } from './resolver.ts';
export { type VetOptions, type VetResult, vetUrl } from './vet-url.ts';
