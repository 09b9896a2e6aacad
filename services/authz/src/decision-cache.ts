/**
 * The pairing half of Check, cached per (platform, user) so the common path costs no I/O
 * (issue #5: "p99 under 1 ms in-process").
 *
 * Coherence: approve/revoke invalidate the entry here and, through the invalidation broadcast, on
 * every replica. A lookup that started before an invalidation must not store its (possibly stale)
 * answer afterwards, so each lookup carries the generation it began in and `store` drops answers
 * from an older generation. Entries also expire after `ttlMs`, which bounds staleness should a
 * broadcast ever be lost; while the broadcast is down the cache is bypassed entirely.
 */
export class DecisionCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { approved: boolean; expiresAt: number }>();
  #generation = 0;
  #enabled = true;

  constructor(options: { ttlMs: number; maxEntries: number; now: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now;
  }

  static key(platform: string, userId: string): string {
    return `${platform}\u0000${userId}`;
  }

  get(key: string): boolean | undefined {
    if (!this.#enabled) return undefined;
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.approved;
  }

  /** Call before the lookup; pass the result to {@link store}. */
  generation(): number {
    return this.#generation;
  }

  store(key: string, approved: boolean, generation: number): void {
    if (!this.#enabled || generation !== this.#generation || this.#ttlMs <= 0) return;
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(key)) {
      // Oldest first: Map iteration follows insertion order.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { approved, expiresAt: this.#now() + this.#ttlMs });
  }

  invalidate(key: string): void {
    this.#generation++;
    this.#entries.delete(key);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  /** Off while invalidations cannot arrive (bus down); turning it back on starts empty. */
  setEnabled(enabled: boolean): void {
    if (enabled === this.#enabled) return;
    this.clear();
    this.#enabled = enabled;
  }

  get size(): number {
    return this.#entries.size;
  }
}
