/**
 * The ONE contract the database port passes on every backend (HOUSE_STYLE rule 7): embedded
 * PGlite behind pglite-socket and real Postgres, through the same `postgres` driver and the same
 * SQL. Run by open-database.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MigrationChecksumError, MigrationFailedError } from './errors.ts';
import { migrate } from './migrate.ts';
import type { Migration } from './migrations.ts';
import type { Database } from './open-database.ts';

/** Opens another client to the SAME database each call (so tests can race two replicas). */
export type OpenClient = () => Promise<Database>;

function uniqueSchema(): string {
  return `t_${randomBytes(5).toString('hex')}`;
}

// Non-idempotent on purpose: applying any of these twice fails, so a double apply cannot hide.
const MIGRATIONS: readonly Migration[] = [
  { name: '0001_create_grants', sql: 'CREATE TABLE grants (id bigserial PRIMARY KEY, argv jsonb NOT NULL);' },
  {
    name: '0002_add_expiry',
    sql: "ALTER TABLE grants ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now() + interval '5 minutes';\nCREATE INDEX grants_expiry ON grants (expires_at);",
  },
  { name: '0003_seed', sql: `INSERT INTO grants (argv) VALUES ('["ls","-la"]');` },
];

export function databaseContract(backend: string, openClient: OpenClient): void {
  describe(`database contract: ${backend}`, () => {
    test('parameters, jsonb and timestamptz round-trip through the driver', async () => {
      await using db = await openClient();
      const [row] = await db.sql<{ n: number; doc: { a: number[] }; at: Date; t: string }[]>`
        SELECT ${41}::int + 1 AS n, ${db.sql.json({ a: [1, 2] })}::jsonb AS doc, now() AS at, ${"it's"}::text AS t`;
      assert.equal(row?.n, 42);
      assert.deepEqual(row?.doc, { a: [1, 2] });
      assert.ok(row?.at instanceof Date);
      assert.equal(row?.t, "it's");
    });

    test('a failed transaction rolls back, a committed one persists', async () => {
      await using db = await openClient();
      const schema = uniqueSchema();
      await db.sql`CREATE SCHEMA ${db.sql(schema)}`;
      await db.sql`CREATE TABLE ${db.sql(`${schema}.items`)} (id int PRIMARY KEY)`;
      await assert.rejects(
        db.sql.begin(async (tx) => {
          await tx`INSERT INTO ${tx(`${schema}.items`)} VALUES (1)`;
          await tx`INSERT INTO ${tx(`${schema}.items`)} VALUES (1)`;
        }),
        /duplicate key/,
      );
      await db.sql.begin(async (tx) => {
        await tx`INSERT INTO ${tx(`${schema}.items`)} VALUES (2)`;
      });
      const rows = await db.sql<{ id: number }[]>`SELECT id FROM ${db.sql(`${schema}.items`)}`;
      assert.deepEqual(
        rows.map((r) => r.id),
        [2],
      );
      await db.sql`DROP SCHEMA ${db.sql(schema)} CASCADE`;
    });

    test('migrate applies a directory in order, records it, and is a no-op the second time', async () => {
      await using db = await openClient();
      const schema = uniqueSchema();
      const dir = await mkdtemp(join(tmpdir(), 'hermes-mig-'));
      try {
        // Written out of order on purpose; the loader orders by version.
        for (const m of [...MIGRATIONS].reverse()) await writeFile(join(dir, `${m.name}.sql`), m.sql);
        const first = await migrate(db.sql, { schema, migrations: dir });
        assert.deepEqual(first.applied, ['0001_create_grants', '0002_add_expiry', '0003_seed']);
        const second = await migrate(db.sql, { schema, migrations: dir });
        assert.deepEqual(second.applied, []);
        assert.equal(second.alreadyApplied.length, 3);
        const recorded = await db.sql<{ version: number; name: string }[]>`
          SELECT version, name FROM ${db.sql(`${schema}.schema_migrations`)} ORDER BY version`;
        assert.deepEqual(
          recorded.map((r) => [r.version, r.name]),
          [
            [1, '0001_create_grants'],
            [2, '0002_add_expiry'],
            [3, '0003_seed'],
          ],
        );
        const [grant] = await db.sql<{ argv: string[] }[]>`SELECT argv FROM ${db.sql(`${schema}.grants`)}`;
        assert.deepEqual(grant?.argv, ['ls', '-la']);
      } finally {
        await rm(dir, { recursive: true, force: true });
        await db.sql`DROP SCHEMA IF EXISTS ${db.sql(schema)} CASCADE`;
      }
    });

    test('migrate refuses an applied migration whose file changed', async () => {
      await using db = await openClient();
      const schema = uniqueSchema();
      await migrate(db.sql, { schema, migrations: MIGRATIONS.slice(0, 1) });
      const edited = [{ name: '0001_create_grants', sql: 'CREATE TABLE grants (id int);' }, MIGRATIONS[1]!];
      await assert.rejects(migrate(db.sql, { schema, migrations: edited }), MigrationChecksumError);
      const [count] = await db.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM ${db.sql(`${schema}.schema_migrations`)}`;
      assert.equal(count?.n, 1, 'nothing after the changed file may run');
      await db.sql`DROP SCHEMA ${db.sql(schema)} CASCADE`;
    });

    test('a failing migration is rolled back whole and stops the run', async () => {
      await using db = await openClient();
      const schema = uniqueSchema();
      const broken: Migration[] = [
        MIGRATIONS[0]!,
        { name: '0002_broken', sql: 'CREATE TABLE half (id int);\nSELECT no_such_function();' },
        { name: '0003_never', sql: 'CREATE TABLE never (id int);' },
      ];
      const error = await migrate(db.sql, { schema, migrations: broken }).then(
        () => assert.fail('broken migration applied'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof MigrationFailedError);
      assert.equal(error.migration, '0002_broken');
      const tables = await db.sql<{ table_name: string }[]>`
        SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY table_name`;
      assert.deepEqual(
        tables.map((t) => t.table_name),
        ['grants', 'schema_migrations'],
      );
      await db.sql`DROP SCHEMA ${db.sql(schema)} CASCADE`;
    });

    test('two replicas migrating at once apply each migration exactly once', async () => {
      await using a = await openClient();
      await using b = await openClient();
      const schema = uniqueSchema();
      const [ra, rb] = await Promise.all([
        migrate(a.sql, { schema, migrations: MIGRATIONS }),
        migrate(b.sql, { schema, migrations: MIGRATIONS }),
      ]);
      assert.deepEqual([...ra.applied, ...rb.applied].sort(), MIGRATIONS.map((m) => m.name).sort());
      const [seeded] = await a.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM ${a.sql(`${schema}.grants`)}`;
      assert.equal(seeded?.n, 1);
      await a.sql`DROP SCHEMA ${a.sql(schema)} CASCADE`;
    });
  });
}
