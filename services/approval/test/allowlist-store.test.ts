// One contract suite for the AllowlistStore port, run against real Postgres and the embedded PGlite.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Database, migrate, openDatabase } from '@hermes/storage';
import { createTestDatabase, startPostgres, type TestDatabase } from '@hermes/testing';
import { MemoryAllowlistStore } from '../src/adapters/memory-allowlist-store.ts';
import { PgAllowlistStore } from '../src/adapters/pg-allowlist-store.ts';
import type { AllowlistStore } from '../src/ports/allowlist-store.ts';

const migrations = new URL('../migrations', import.meta.url).pathname;

interface Handle {
  readonly store: AllowlistStore;
  close(): Promise<void>;
}

async function pgHandle(db: Database, close: () => Promise<void>): Promise<Handle> {
  await migrate(db.sql, { schema: 'approval', migrations });
  return { store: new PgAllowlistStore(db), close };
}

const adapters: Record<string, () => Promise<Handle>> = {
  postgres: async () => {
    const pg = await startPostgres();
    const t: TestDatabase = await createTestDatabase(pg.url);
    const db = await openDatabase({ url: t.url });
    return pgHandle(db, async () => {
      await db.close();
      await t.drop();
      await pg.stop();
    });
  },
  pglite: async () => {
    const db = await openDatabase();
    return pgHandle(db, () => db.close());
  },
  memory: async () => ({ store: new MemoryAllowlistStore(), close: async () => {} }),
};

for (const [name, open] of Object.entries(adapters)) {
  describe(`AllowlistStore contract: ${name}`, () => {
    let h: Handle;
    let store: AllowlistStore;
    before(async () => {
      h = await open();
      store = h.store;
    });
    after(() => h.close());

    test('add, list (per profile, oldest first), duplicate-safe, remove', async () => {
      const by = { createdBy: 'alice', requestId: 'r1', at: Date.UTC(2026, 0, 1) };
      assert.equal(await store.add('p1', ['recursive delete', 'git force push'], by), 2);
      assert.equal(await store.add('p1', ['recursive delete'], { ...by, at: by.at + 5 }), 0);
      assert.equal(await store.add('p2', ['git force push'], { ...by, at: by.at + 10, createdBy: 'bob' }), 1);
      const p1 = await store.list('p1');
      assert.deepEqual(
        p1.map((r) => [r.entry, r.createdBy, r.requestId, r.createdAt]),
        [
          ['git force push', 'alice', 'r1', by.at],
          ['recursive delete', 'alice', 'r1', by.at],
        ],
      );
      assert.equal((await store.list('p2')).length, 1);
      assert.equal(await store.remove('p1', 'recursive delete'), true);
      assert.equal(await store.remove('p1', 'recursive delete'), false);
      assert.deepEqual(
        (await store.list('p1')).map((r) => r.entry),
        ['git force push'],
      );
      assert.equal(await store.add('p1', [], by), 0);
    });

    test('entries are data, never SQL', async () => {
      const evil = "x'); drop table approval.allowlist; --";
      await store.add('p3', [evil], { createdBy: '', requestId: '', at: 1 });
      assert.deepEqual(
        (await store.list('p3')).map((r) => r.entry),
        [evil],
      );
    });
  });
}
