/**
 * What every start helper returns: where to connect, and how to get rid of it.
 * Use with `await using nats = await startNats()` so it is stopped however the test ends.
 */
export interface ServiceHandle {
  /** Connection URL, e.g. `nats://127.0.0.1:4222`, `postgres://postgres@127.0.0.1:5432/postgres`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * True when the URL came from the environment (`NATS_URL`, `DATABASE_URL`, `REDIS_URL`): the
   * harness did not start it, so `stop()` leaves it alone.
   */
  readonly external: boolean;
  /** Pid of the server process the harness started (undefined when external). */
  readonly pid: number | undefined;
  /** Stops what the harness started and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options shared by the start helpers. */
export interface StartOptions {
  /**
   * Reuse the server named by the matching *_URL variable when set (default true). Chaos tests
   * that kill the server pass false so they never kill shared infrastructure.
   */
  readonly fromEnv?: boolean;
  /** Environment to read *_URL from; defaults to `process.env` (tests pass their own). */
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  /** Readiness timeout in ms. */
  readonly readyTimeoutMs?: number;
}

export function externalHandle(url: string, defaultPort: number): ServiceHandle {
  const parsed = new URL(url);
  const handle: ServiceHandle = {
    url,
    host: parsed.hostname,
    port: parsed.port === '' ? defaultPort : Number(parsed.port),
    external: true,
    pid: undefined,
    stop: async () => {},
    [Symbol.asyncDispose]: async () => {},
  };
  return handle;
}
