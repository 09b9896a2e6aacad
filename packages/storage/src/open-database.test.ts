import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ServiceHandle, startPostgres } from '@hermes/testing';
import { databaseContract } from './database.contract.ts';
import { DatabaseOpenError } from './errors.ts';
import { type Database, openDatabase } from './open-database.ts';

async function modes(dir: string): Promise<{ dirs: Set<number>; files: Set<number> }> {
  const out = { dirs: new Set<number>(), files: new Set<number>() };
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const info = await stat(join(entry.parentPath, entry.name));
    (entry.isDirectory() ? out.dirs : out.files).add(info.mode & 0o777);
  }
  return out;
}

describe('embedded PGlite', () => {
  let dataDir: string;
  let root: string;
  let keeper: Database | undefined;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hermes-pglite-'));
    dataDir = join(root, 'db');
    // Holds the shared server open across tests, so each test does not pay PGlite's ~2 s boot.
    keeper = await openDatabase({ dataDir });
  });
  after(async () => {
    await keeper?.close();
    await rm(root, { recursive: true, force: true });
  });

  // Every client opens the same data dir, so they share one embedded server (one PGlite per dir).
  databaseContract('embedded PGlite via pglite-socket', () => openDatabase({ dataDir }));

  test('the data dir is 0700 and its files 0600 after open and after close', async () => {
    const dir = join(root, 'modes');
    const db = await openDatabase({ dataDir: dir });
    assert.equal(db.embedded, true);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    await db.sql`CREATE TABLE t (id int)`;
    await db.close();
    const seen = await modes(dir);
    assert.deepEqual([...seen.dirs], [0o700]);
    assert.deepEqual([...seen.files], [0o600]);
  });

  test('data survives close and reopen of the same data dir', async () => {
    const dir = join(root, 'persist');
    {
      await using db = await openDatabase({ dataDir: dir });
      await db.sql`CREATE TABLE kept (v text)`;
      await db.sql`INSERT INTO kept VALUES ('still here')`;
    }
    await using db = await openDatabase({ dataDir: dir });
    const [row] = await db.sql<{ v: string }[]>`SELECT v FROM kept`;
    assert.equal(row?.v, 'still here');
  });

  test('clients of one data dir share one server; it stops when the last closes', async () => {
    const dir = join(root, 'shared');
    const a = await openDatabase({ dataDir: dir });
    const b = await openDatabase({ dataDir: dir });
    assert.equal(a.url, b.url);
    await a.close();
    const [row] = await b.sql<{ one: number }[]>`SELECT 1 AS one`;
    assert.equal(row?.one, 1);
    await b.close();
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(new URL(b.url).port), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    assert.equal(refused, true, 'socket server still listening after the last client closed');
  });
});

describe('real Postgres', () => {
  let pg: ServiceHandle;
  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    await pg.stop();
  });

  databaseContract('real Postgres', () => openDatabase({ url: pg.url, max: 4 }));

  test('a wrong password is reported without the password', async () => {
    const url = new URL(pg.url);
    url.username = 'nosuchuser';
    url.password = 'hunter2-secret';
    const error = await openDatabase({ url: url.toString(), connectTimeoutSeconds: 5 }).then(
      () => assert.fail('connected as a role that does not exist'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DatabaseOpenError);
    assert.doesNotMatch(error.message, /hunter2/);
    assert.doesNotMatch(error.target, /hunter2/);
    assert.match(error.message, /nosuchuser|role/);
  });
});

test('an unreachable server fails fast with DatabaseOpenError', async () => {
  await assert.rejects(
    openDatabase({ url: 'postgres://app:hunter2-secret@127.0.0.1:1/x', connectTimeoutSeconds: 2 }),
    (error: unknown) =>
      error instanceof DatabaseOpenError && !error.message.includes('hunter2') && /127\.0\.0\.1:1/.test(error.message),
  );
});
