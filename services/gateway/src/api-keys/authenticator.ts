// Checks an API key before any other work (issue #8 item 2), then the key's per-minute budget in the
// TTL store (Redis in distributed mode, so every replica shares it). Verified keys are cached for a
// few seconds to keep Postgres off the hot path; a revocation on this replica drops the entry at
// once, other replicas notice within `cacheMs`.
import type { TtlStore } from '@hermes/storage';
import { AuthFailure, RateLimitedError, UnauthenticatedError } from '../errors.ts';
import { keyMatches, parseApiKey } from './api-key-format.ts';
import type { ApiKeyRecord, PgApiKeyStore, StoredKey } from './pg-api-key-store.ts';

export interface ApiPrincipal {
  readonly keyId: string;
  readonly name: string;
  readonly scopes: ApiKeyRecord['scopes'];
  readonly unattended: boolean;
  readonly ratePerMinute: number;
}

export interface AuthenticatorOptions {
  readonly store: Pick<PgApiKeyStore, 'find'>;
  readonly ttlStore: () => Promise<TtlStore>;
  readonly clock: () => number;
  /** How long a verified key is trusted without asking Postgres again (default 5 s). */
  readonly cacheMs?: number;
}

const RATE_WINDOW_MS = 60_000;
const MAX_CACHE = 10_000;

export class Authenticator {
  readonly #opts: AuthenticatorOptions;
  readonly #cacheMs: number;
  /** key text hash-checked → record; keyed by key id, value keeps the stored hash to re-compare. */
  readonly #cache = new Map<string, { key: StoredKey; until: number }>();

  constructor(options: AuthenticatorOptions) {
    this.#opts = options;
    this.#cacheMs = options.cacheMs ?? 5_000;
  }

  /** The principal of a presented key, or UnauthenticatedError. Does not spend the rate budget. */
  async authenticate(presented: string | undefined): Promise<ApiPrincipal> {
    if (presented === undefined || presented === '') throw new UnauthenticatedError(AuthFailure.missing);
    const parsed = parseApiKey(presented);
    if (!parsed) throw new UnauthenticatedError(AuthFailure.malformed);
    const now = this.#opts.clock();
    let key: StoredKey | undefined;
    const hit = this.#cache.get(parsed.id);
    if (hit && hit.until > now) key = hit.key;
    else {
      try {
        key = await this.#opts.store.find(parsed.id);
      } catch (e) {
        // Fail closed: no database, no entry.
        throw new UnauthenticatedError(AuthFailure.unavailable, { cause: e });
      }
      if (key && key.revokedAt === undefined) {
        if (this.#cache.size >= MAX_CACHE) this.#cache.clear();
        this.#cache.set(parsed.id, { key, until: now + this.#cacheMs });
      }
    }
    if (!key) throw new UnauthenticatedError(AuthFailure.unknown);
    if (!keyMatches(presented, key.hash)) throw new UnauthenticatedError(AuthFailure.unknown);
    if (key.revokedAt !== undefined) throw new UnauthenticatedError(AuthFailure.revoked);
    return {
      keyId: key.id,
      name: key.name,
      scopes: key.scopes,
      unattended: key.unattended,
      ratePerMinute: key.ratePerMinute,
    };
  }

  /** Spends one request of the key's per-minute budget (fixed window from the first hit). */
  async spend(principal: ApiPrincipal): Promise<void> {
    const store = await this.#opts.ttlStore();
    const k = `hermes:gateway:rate:${principal.keyId}`;
    const n = await store.incr(k, { ttlMs: RATE_WINDOW_MS });
    if (n > principal.ratePerMinute) {
      const left = await store.ttl(k);
      throw new RateLimitedError(left === undefined || !Number.isFinite(left) ? RATE_WINDOW_MS : left);
    }
  }

  /** Forget a key at once (revocation on this replica). */
  forget(keyId: string): void {
    this.#cache.delete(keyId);
  }
}
