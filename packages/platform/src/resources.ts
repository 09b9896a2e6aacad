import type { HermesConfig } from '@hermes/config';
import { type Database, MemoryTtlStore, openDatabase, openRedisTtlStore, type TtlStore } from '@hermes/storage';

/**
 * Database and TTL store, opened on first use and shared by every service of the process: real
 * Postgres/Redis when `DATABASE_URL`/`REDIS_URL` are set, otherwise embedded PGlite and memory.
 */
export class SharedResources {
  readonly #config: HermesConfig;
  readonly #dataDir: string | undefined;
  readonly #clock: () => number;
  #db: Promise<Database> | undefined;
  #ttl: Promise<TtlStore> | undefined;

  constructor(config: HermesConfig, options: { dataDir?: string; clock?: () => number } = {}) {
    this.#config = config;
    this.#dataDir = options.dataDir;
    this.#clock = options.clock ?? Date.now;
  }

  database(): Promise<Database> {
    this.#db ??= openDatabase({
      ...(this.#config.runtime.database_url ? { url: this.#config.runtime.database_url } : {}),
      ...(this.#dataDir ? { dataDir: this.#dataDir } : {}),
    });
    return this.#db;
  }

  ttlStore(): Promise<TtlStore> {
    this.#ttl ??= this.#config.runtime.redis_url
      ? openRedisTtlStore(this.#config.runtime.redis_url)
      : Promise.resolve(new MemoryTtlStore({ now: this.#clock }));
    return this.#ttl;
  }

  /** Where data lives, for `hermes up` to print. */
  describe(): { database: string; ttlStore: string } {
    return {
      database: this.#config.runtime.database_url
        ? 'postgres (DATABASE_URL)'
        : `embedded PGlite (${this.#dataDir ?? 'in memory'})`,
      ttlStore: this.#config.runtime.redis_url ? 'redis (REDIS_URL)' : 'in-memory',
    };
  }

  async close(): Promise<void> {
    const [db, ttl] = [this.#db, this.#ttl];
    this.#db = undefined;
    this.#ttl = undefined;
    await Promise.allSettled([db?.then((d) => d.close()), ttl?.then((t) => t[Symbol.asyncDispose]())]);
  }
}
