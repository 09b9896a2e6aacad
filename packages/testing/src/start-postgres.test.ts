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
