import assert from 'node:assert/strict';
import { test } from 'node:test';
import postgres from 'postgres';
import { createTestDatabase } from './create-test-database.ts';
import { isRunning, processGroupMembers, processUid } from './process-info.ts';
import { startPostgres } from './start-postgres.ts';

test('startPostgres runs a throwaway server (as the postgres user when root) and stops it fully', async () => {
  const pg = await startPostgres({ fromEnv: false });
  const pid = pg.pid!;
  try {
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    const [row] = await sql<{ user: string; version: string }[]>`SELECT current_user AS user, version()`;
    await sql.end();
    assert.equal(row?.user, 'postgres');
    assert.match(row?.version ?? '', /^PostgreSQL \d+/);
    if (process.getuid?.() === 0) {
      assert.notEqual(await processUid(pid), 0, 'postgres server must not run as root');
    }
  } finally {
    await pg.stop();
  }
  await pg.stop();
  assert.equal(await isRunning(pid), false);
  assert.deepEqual(await processGroupMembers(pid), [], 'postgres backends left behind');
});

test('createTestDatabase gives an isolated database and drops it on dispose', async () => {
  await using pg = await startPostgres();
  let name: string;
  {
    await using db = await createTestDatabase(pg.url);
    name = db.name;
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    const [row] = await sql<{ db: string }[]>`SELECT current_database() AS db`;
    assert.equal(row?.db, db.name);
    // Left open on purpose: drop must end sessions a test forgot to close.
    void sql;
  }
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  const rows = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
  await admin.end();
  assert.equal(rows.length, 0);
});

test('halt() takes Postgres away and restart() brings it back on the same port with its data', async () => {
  await using pg = await startPostgres({ fromEnv: false });
  const sql = postgres(pg.url, { max: 1, onnotice: () => {}, connect_timeout: 2 });
  try {
    await sql`CREATE TABLE kept (v text)`;
    await sql`INSERT INTO kept VALUES ('before halt')`;
    const firstPid = pg.pid;
    await pg.halt();
    assert.equal(pg.running, false);
    assert.equal(pg.pid, undefined);
    await assert.rejects(sql`SELECT 1`, 'queries fail while the server is halted');
    await pg.restart();
    assert.equal(pg.running, true);
    assert.notEqual(pg.pid, firstPid);
    // postgres.js reconnects by itself on the next query.
    const rows = await sql<{ v: string }[]>`SELECT v FROM kept`;
    assert.deepEqual(
      rows.map((r) => r.v),
      ['before halt'],
    );
  } finally {
    await sql.end({ timeout: 1 });
  }
});

test('an external Postgres (DATABASE_URL) cannot be halted', async () => {
  const pg = await startPostgres({ env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres' } });
  assert.equal(pg.external, true);
  await assert.rejects(pg.halt(), /did not start/);
  await assert.rejects(pg.restart(), /did not start/);
});
