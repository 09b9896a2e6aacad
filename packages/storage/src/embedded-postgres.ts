import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ensurePrivateDir, tightenTree } from './file-modes.ts';

/**
 * Embedded Postgres for `hermes up` without DATABASE_URL (ARCHITECTURE "Two ways to run"): PGlite
 * (Postgres compiled to WASM) served over the real wire protocol by pglite-socket, so services use
 * the same `postgres` driver and the same SQL as against a real server.
 *
 * PGlite is ONE backend session shared by every socket connection: the socket server queues
 * statements and keeps a transaction's statements together, but session state (SET, advisory
 * session locks, temp tables) is shared. Clients must use `max: 1` pools and transaction-scoped
 * state (SET LOCAL, pg_advisory_xact_lock).
 */
export interface EmbeddedServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string | undefined;
}

interface Entry {
  readonly server: Promise<{ info: EmbeddedServer; stop: () => Promise<void> }>;
  refs: number;
}

/** One PGlite per data dir per process: opening the same files twice would corrupt them. */
const servers = new Map<string, Entry>();
// Socket connections are cheap queue handles; each client pool holds one.
const MAX_CONNECTIONS = 256;

async function launch(dataDir: string | undefined): Promise<{ info: EmbeddedServer; stop: () => Promise<void> }> {
  if (dataDir !== undefined) await ensurePrivateDir(dataDir);
  const db = await PGlite.create(dataDir !== undefined ? { dataDir } : {});
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  if (dataDir !== undefined) await tightenTree(dataDir);
  const port = Number(server.getServerConn().split(':').pop());
  return {
    info: { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dataDir },
    stop: async () => {
      await server.stop();
      await db.close();
      if (dataDir !== undefined) await tightenTree(dataDir);
    },
  };
}

/**
 * Starts (or joins) the embedded server for `dataDir` (undefined: in-memory, fresh each call).
 * Returns the server and a release function; the last release stops it.
 */
export async function acquireEmbeddedServer(
  dataDir: string | undefined,
): Promise<{ server: EmbeddedServer; release: () => Promise<void> }> {
  const key = dataDir === undefined ? `memory:${Math.random()}` : resolve(dataDir);
  let entry = servers.get(key);
  if (entry === undefined) {
    entry = { server: launch(dataDir === undefined ? undefined : resolve(dataDir)), refs: 0 };
    servers.set(key, entry);
    entry.server.catch(() => servers.delete(key));
  }
  entry.refs += 1;
  const current = entry;
  let started: Awaited<Entry['server']>;
  try {
    started = await current.server;
  } catch (error) {
    current.refs -= 1;
    throw error;
  }
  let released = false;
  return {
    server: started.info,
    release: async () => {
      if (released) return;
      released = true;
      current.refs -= 1;
      if (current.refs === 0) {
        servers.delete(key);
        await started.stop();
      }
    },
  };
}
