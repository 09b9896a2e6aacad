import { InvalidIncrementError, InvalidTtlError } from './errors.ts';

/** Options for {@link TtlStore.set}. */
export interface TtlSetOptions {
  /** Expire after this many ms (positive integer). Unset: no expiry. */
  readonly ttlMs?: number;
  /** Only set when the key does not exist (Redis NX); `set` then returns false if it did. */
  readonly onlyIfAbsent?: boolean;
}

/** Options for {@link TtlStore.incr}. */
export interface TtlIncrOptions {
  /** Applied only when this increment creates the key: a fixed window that starts at the first hit. */
  readonly ttlMs?: number;
  /** Increment (default 1, may be negative). */
  readonly by?: number;
}

/**
 * Key-value store with per-key expiry, the port behind rate limits, lockouts, pending approvals
 * and session grants (ARCHITECTURE "Storage"). Adapters: Redis (`REDIS_URL`) and memory (embedded
 * mode); both pass `ttl-store.contract.ts`. Values are strings; callers encode structure.
 * An expired key is indistinguishable from a missing one.
 */
export interface TtlStore extends AsyncDisposable {
  get(key: string): Promise<string | undefined>;
  /** Returns true if the value was written (always, unless `onlyIfAbsent` and the key exists). */
  set(key: string, value: string, options?: TtlSetOptions): Promise<boolean>;
  /** Returns true if a key was removed. */
  del(key: string): Promise<boolean>;
  /** Atomically adds `by` (default 1) to an integer value (missing = 0) and returns the result. */
  incr(key: string, options?: TtlIncrOptions): Promise<number>;
  /** Remaining time to live in ms; `Infinity` if the key has no expiry; undefined if missing. */
  ttl(key: string): Promise<number | undefined>;
  /** Sets a new expiry on an existing key; false if the key is missing. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Atomically reads and deletes: of several concurrent callers at most one gets the value.
   * For single-use nonces, pairing codes and approval grants.
   */
  take(key: string): Promise<string | undefined>;
  /** Releases connections (only those the adapter opened itself). Idempotent; also `await using`. */
  close(): Promise<void>;
}

export function checkTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && (!Number.isSafeInteger(ttlMs) || ttlMs <= 0)) throw new InvalidTtlError(ttlMs);
}

export function checkIncrement(by: number): void {
  if (!Number.isSafeInteger(by)) throw new InvalidIncrementError(by);
}
