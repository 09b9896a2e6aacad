import postgres from 'postgres';
import { acquireEmbeddedServer } from './embedded-postgres.ts';
import { DatabaseOpenError } from './errors.ts';

export interface OpenDatabaseOptions {
  /** Postgres URL (`DATABASE_URL`). Unset: embedded PGlite served over a loopback socket. */
  readonly url?: string;
  /** Embedded mode only: PGlite data dir (created 0700). Unset: in-memory, lost on close. */
  readonly dataDir?: string;
  /** Pool size against real Postgres (default 10). Embedded mode always uses 1 (see embedded-postgres.ts). */
  readonly max?: number;
  /** Seconds to wait for the first connection (default 10). */
  readonly connectTimeoutSeconds?: number;
  readonly signal?: AbortSignal;
}

export interface Database {
  /** The `postgres` (porsager) client; the same SQL runs embedded and on real Postgres. */
  readonly sql: postgres.Sql;
  /** URL the client connects to (for embedded mode: the loopback socket server). */
  readonly url: string;
  /** True when backed by the embedded PGlite server. */
  readonly embedded: boolean;
  /** Ends the pool (and the embedded server once its last user closes). Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Opens the database a service uses: real Postgres when `url` is given, otherwise the embedded
 * PGlite server. Checks the connection with `SELECT 1` so a bad URL fails at start, not at the
 * first request; errors never echo the URL's password.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  options.signal?.throwIfAborted();
  let url: string;
  let embedded = false;
  let release: () => Promise<void> = async () => {};
  if (options.url !== undefined && options.url !== '') {
    url = options.url;
  } else {
    try {
      const acquired = await acquireEmbeddedServer(options.dataDir);
      url = acquired.server.url;
      release = acquired.release;
      embedded = true;
    } catch (error) {
      throw new DatabaseOpenError(`embedded PGlite (${options.dataDir ?? 'in-memory'})`, { cause: error });
    }
  }

  const sql = postgres(url, {
    max: embedded ? 1 : (options.max ?? 10),
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    onnotice: () => {},
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    options.signal?.removeEventListener('abort', onAbort);
    await sql.end({ timeout: 5 });
    await release();
  };
  const onAbort = (): void => {
    void close();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    await sql`SELECT 1`;
  } catch (error) {
    await close();
    throw new DatabaseOpenError(url, { cause: error });
  }
  return { sql, url, embedded, close, [Symbol.asyncDispose]: close };
}
