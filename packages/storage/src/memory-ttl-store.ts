import { NotAnIntegerError } from './errors.ts';
import { checkIncrement, checkTtl, type TtlIncrOptions, type TtlSetOptions, type TtlStore } from './ttl-store.ts';

export interface MemoryTtlStoreOptions {
  /** Clock in ms; tests inject one to move time. Default `Date.now`. */
  readonly now?: () => number;
  /** Full sweep of expired keys at most this often, measured on `now` (default 10 s). */
  readonly sweepIntervalMs?: number;
}

interface Entry {
  value: string;
  expiresAt: number | undefined;
}

const INTEGER = /^-?\d+$/;

/**
 * In-process {@link TtlStore} for embedded mode (no `REDIS_URL`). Single-threaded JS makes each
 * method atomic. Expired keys are invisible at once and removed by a sweep that runs on writes
 * at most every `sweepIntervalMs`, so memory stays bounded without a timer.
 */
export class MemoryTtlStore implements TtlStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #sweepIntervalMs: number;
  #lastSweep: number;

  constructor(options: MemoryTtlStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
    this.#lastSweep = this.#now();
  }

  /** Number of stored entries, including expired ones not yet swept. */
  get size(): number {
    return this.#entries.size;
  }

  /** Removes every expired entry; returns how many. */
  sweep(): number {
    const now = this.#now();
    this.#lastSweep = now;
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
        this.#entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #maybeSweep(): void {
    if (this.#now() - this.#lastSweep >= this.#sweepIntervalMs) this.sweep();
  }

  async get(key: string): Promise<string | undefined> {
    return this.#live(key)?.value;
  }

  async set(key: string, value: string, options: TtlSetOptions = {}): Promise<boolean> {
    checkTtl(options.ttlMs);
    this.#maybeSweep();
    if (options.onlyIfAbsent === true && this.#live(key) !== undefined) return false;
    this.#entries.set(key, {
      value,
      expiresAt: options.ttlMs === undefined ? undefined : this.#now() + options.ttlMs,
    });
    return true;
  }

  async del(key: string): Promise<boolean> {
    const existed = this.#live(key) !== undefined;
    this.#entries.delete(key);
    return existed;
  }

  async incr(key: string, options: TtlIncrOptions = {}): Promise<number> {
    checkTtl(options.ttlMs);
    this.#maybeSweep();
    const by = options.by ?? 1;
    checkIncrement(by);
    const entry = this.#live(key);
    if (entry === undefined) {
      this.#entries.set(key, {
        value: String(by),
        expiresAt: options.ttlMs === undefined ? undefined : this.#now() + options.ttlMs,
      });
      return by;
    }
    if (!INTEGER.test(entry.value)) throw new NotAnIntegerError(key);
    const next = Number(entry.value) + by;
    entry.value = String(next);
    return next;
  }

  async ttl(key: string): Promise<number | undefined> {
    const entry = this.#live(key);
    if (entry === undefined) return undefined;
    return entry.expiresAt === undefined ? Number.POSITIVE_INFINITY : entry.expiresAt - this.#now();
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    const entry = this.#live(key);
    if (entry === undefined) return false;
    entry.expiresAt = this.#now() + ttlMs;
    return true;
  }

  async take(key: string): Promise<string | undefined> {
    const entry = this.#live(key);
    this.#entries.delete(key);
    return entry?.value;
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
