import { Redis } from 'ioredis';
import { NotAnIntegerError, TtlStoreUnavailableError } from './errors.ts';
import { redactUrl } from './redact-url.ts';
import { checkIncrement, checkTtl, type TtlIncrOptions, type TtlSetOptions, type TtlStore } from './ttl-store.ts';

export interface RedisTtlStoreOptions {
  /** Prepended to every key, e.g. `hermes:authz:` so services sharing a Redis never collide. */
  readonly keyPrefix?: string;
}

export interface OpenRedisTtlStoreOptions extends RedisTtlStoreOptions {
  /** Seconds to wait for the first connection (default 10). */
  readonly connectTimeoutSeconds?: number;
}

// INCRBY and the first-hit PEXPIRE must be one atomic step, or a crash between them leaves a
// counter that never expires (a permanent lockout). Lua runs atomically in Redis.
const INCR_SCRIPT = `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

function isNotInteger(error: unknown): boolean {
  return error instanceof Error && /not an integer/i.test(error.message);
}

/** {@link TtlStore} over Redis (`ioredis`), for distributed mode (`REDIS_URL`). */
export class RedisTtlStore implements TtlStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #owned: boolean;
  #closed = false;

  /** Wraps a client; `owned` decides whether `close()` quits it. */
  constructor(redis: Redis, options: RedisTtlStoreOptions & { owned?: boolean } = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? '';
    this.#owned = options.owned ?? false;
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  async #run<T>(operation: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isNotInteger(error)) throw new NotAnIntegerError(key, { cause: error });
      throw new TtlStoreUnavailableError(operation, { cause: error });
    }
  }

  async get(key: string): Promise<string | undefined> {
    return this.#run('get', key, async () => (await this.#redis.get(this.#key(key))) ?? undefined);
  }

  async set(key: string, value: string, options: TtlSetOptions = {}): Promise<boolean> {
    checkTtl(options.ttlMs);
    const k = this.#key(key);
    return this.#run('set', key, async () => {
      const { ttlMs, onlyIfAbsent } = options;
      let reply: string | null;
      if (ttlMs !== undefined && onlyIfAbsent === true) reply = await this.#redis.set(k, value, 'PX', ttlMs, 'NX');
      else if (ttlMs !== undefined) reply = await this.#redis.set(k, value, 'PX', ttlMs);
      else if (onlyIfAbsent === true) reply = await this.#redis.set(k, value, 'NX');
      else reply = await this.#redis.set(k, value);
      return reply === 'OK';
    });
  }

  async del(key: string): Promise<boolean> {
    return this.#run('del', key, async () => (await this.#redis.del(this.#key(key))) > 0);
  }

  async incr(key: string, options: TtlIncrOptions = {}): Promise<number> {
    checkTtl(options.ttlMs);
    const by = options.by ?? 1;
    checkIncrement(by);
    return this.#run('incr', key, async () => {
      const reply = await this.#redis.eval(INCR_SCRIPT, 1, this.#key(key), by, options.ttlMs ?? '');
      return Number(reply);
    });
  }

  async ttl(key: string): Promise<number | undefined> {
    return this.#run('ttl', key, async () => {
      const ms = await this.#redis.pttl(this.#key(key));
      // PTTL: -2 missing, -1 no expiry.
      if (ms === -2) return undefined;
      if (ms === -1) return Number.POSITIVE_INFINITY;
      return ms;
    });
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    return this.#run('expire', key, async () => (await this.#redis.pexpire(this.#key(key), ttlMs)) === 1);
  }

  async take(key: string): Promise<string | undefined> {
    // GETDEL (Redis >= 6.2) is atomic: two racing takers cannot both get the nonce.
    return this.#run('take', key, async () => (await this.#redis.getdel(this.#key(key))) ?? undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Connects to `url` and returns a store that owns the connection. Fails fast (PING) with a
 * message that never contains the URL's password.
 */
export async function openRedisTtlStore(url: string, options: OpenRedisTtlStoreOptions = {}): Promise<RedisTtlStore> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: (options.connectTimeoutSeconds ?? 10) * 1000,
    maxRetriesPerRequest: 2,
  });
  redis.on('error', () => {
    // Reported through the failing command; without a listener ioredis logs to stderr.
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new TtlStoreUnavailableError(`connect to ${redactUrl(url)}`, { cause: error });
  }
  return new RedisTtlStore(redis, { ...options, owned: true });
}
