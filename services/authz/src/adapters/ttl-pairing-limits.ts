import type { TtlStore } from '@hermes/storage';
import { PAIRING_LIMITS } from '../domain/limits.ts';

/**
 * Rate limits, failure streaks and lockouts in the TTL store (Redis, or memory embedded), so every
 * replica sees the same ones (issue #5 item 3). Values hold the deciding epoch-ms time from the
 * injected clock and are compared against it; the store's own expiry only garbage-collects, so
 * tests move time with the clock and real Redis agrees. Callers hold the platform's pairing lock
 * (see PairingStore.withPlatformLock), which makes the read-then-write steps here race-free.
 *
 * Keys (Hermes `_rate_limits.json`): `rate:{platform}:{user}`, `failures:{platform}`, `lockout:{platform}`.
 */
export class TtlPairingLimits {
  readonly #store: TtlStore;
  readonly #prefix: string;

  constructor(store: TtlStore, prefix: string) {
    this.#store = store;
    this.#prefix = prefix;
  }

  async #until(key: string, now: number): Promise<number | undefined> {
    const raw = await this.#store.get(this.#prefix + key);
    const until = raw === undefined ? Number.NaN : Number(raw);
    return Number.isFinite(until) && until > now ? until : undefined;
  }

  /** When the platform's lockout ends, if one is in force. */
  lockedUntil(platform: string, now: number): Promise<number | undefined> {
    return this.#until(`lockout:${platform}`, now);
  }

  /** When the user may ask for a code again, if they asked within the last 10 minutes. */
  requestBlockedUntil(platform: string, userId: string, now: number): Promise<number | undefined> {
    return this.#until(`rate:${platform}:${userId}`, now);
  }

  async recordRequest(platform: string, userId: string, now: number): Promise<void> {
    const ms = PAIRING_LIMITS.requestIntervalMs;
    await this.#store.set(`${this.#prefix}rate:${platform}:${userId}`, String(now + ms), { ttlMs: ms });
  }

  /**
   * Counts a failed approval. The fifth consecutive one locks the platform out for an hour and
   * resets the streak (Hermes `_record_failed_attempt`). Returns the lockout end when it began now.
   */
  async recordFailure(platform: string, now: number): Promise<{ failures: number; lockedUntil?: number }> {
    const key = `${this.#prefix}failures:${platform}`;
    const raw = await this.#store.get(key);
    const [countText, lastText] = (raw ?? '').split(':');
    const last = Number(lastText);
    const fresh = Number.isFinite(last) && now - last < PAIRING_LIMITS.failureMemoryMs;
    const failures = (fresh ? Number(countText) || 0 : 0) + 1;
    if (failures >= PAIRING_LIMITS.maxFailedAttempts) {
      const until = now + PAIRING_LIMITS.lockoutMs;
      await this.#store.set(`${this.#prefix}lockout:${platform}`, String(until), { ttlMs: PAIRING_LIMITS.lockoutMs });
      await this.#store.del(key);
      return { failures, lockedUntil: until };
    }
    await this.#store.set(key, `${failures}:${now}`, { ttlMs: PAIRING_LIMITS.failureMemoryMs });
    return { failures };
  }

  /** A successful approval ends the streak. */
  async resetFailures(platform: string): Promise<void> {
    await this.#store.del(`${this.#prefix}failures:${platform}`);
  }
}
