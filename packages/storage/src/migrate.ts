import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import { InvalidMigrationError, MigrationChecksumError, MigrationFailedError } from './errors.ts';
import { loadMigrations, type Migration, type PreparedMigration, prepareMigrations } from './migrations.ts';

export interface MigrateOptions {
  /** The owning service's schema (ARCHITECTURE: one schema per service), e.g. `approval`. */
  readonly schema: string;
  /** A directory of `NNNN_name.sql` files, or the migrations themselves. */
  readonly migrations: string | readonly Migration[];
  readonly signal?: AbortSignal;
}

export interface MigrateResult {
  /** Names applied by this call, in order. */
  readonly applied: readonly string[];
  /** Names that were already applied (checksum verified). */
  readonly alreadyApplied: readonly string[];
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** A stable 64-bit advisory-lock key per schema, so two services never wait on each other. */
function lockKey(schema: string): string {
  return createHash('sha256').update(`hermes.migrate:${schema}`).digest().readBigInt64BE(0).toString();
}

/**
 * Applies pending migrations in version order, each in its own transaction, and records them in
 * `<schema>.schema_migrations`. Safe when several replicas start at once: every step holds a
 * transaction-scoped advisory lock and re-checks what is applied under it. Transaction-scoped
 * (not session) locks because the embedded PGlite server shares one session between clients.
 * Inside a migration `search_path` is `<schema>, public`, so files may use unqualified names.
 * Refuses (MigrationChecksumError) when an applied file has changed.
 */
export async function migrate(sql: postgres.Sql, options: MigrateOptions): Promise<MigrateResult> {
  const { schema } = options;
  if (!SCHEMA.test(schema)) {
    throw new InvalidMigrationError(`schema name "${schema}" must be a lowercase SQL identifier`);
  }
  const migrations: PreparedMigration[] =
    typeof options.migrations === 'string'
      ? await loadMigrations(options.migrations)
      : prepareMigrations(options.migrations);
  const key = lockKey(schema);
  const table = sql(`${schema}.schema_migrations`);

  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${key}::bigint)`;
    await tx`CREATE SCHEMA IF NOT EXISTS ${tx(schema)}`;
    await tx`
      CREATE TABLE IF NOT EXISTS ${table} (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`;
  });

  const applied: string[] = [];
  const alreadyApplied: string[] = [];
  for (const migration of migrations) {
    options.signal?.throwIfAborted();
    const outcome = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${key}::bigint)`;
      const [row] = await tx<{ name: string; checksum: string }[]>`
        SELECT name, checksum FROM ${table} WHERE version = ${migration.version}`;
      if (row !== undefined) {
        if (row.checksum !== migration.checksum || row.name !== migration.name) {
          throw new MigrationChecksumError(schema, migration.name, row.checksum, migration.checksum);
        }
        return 'already' as const;
      }
      await tx.unsafe(`SET LOCAL search_path TO "${schema}", public`);
      try {
        await tx.unsafe(migration.sql);
      } catch (error) {
        throw new MigrationFailedError(schema, migration.name, { cause: error });
      }
      await tx`
        INSERT INTO ${table} (version, name, checksum)
        VALUES (${migration.version}, ${migration.name}, ${migration.checksum})`;
      return 'applied' as const;
    });
    (outcome === 'applied' ? applied : alreadyApplied).push(migration.name);
  }
  return { applied, alreadyApplied };
}
