import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidMigrationError } from './errors.ts';

/** One SQL migration: `name` is the file name without `.sql`, e.g. `0001_create_grants`. */
export interface Migration {
  readonly name: string;
  readonly sql: string;
}

/** A validated migration with its version and content checksum. */
export interface PreparedMigration extends Migration {
  readonly version: number;
  readonly checksum: string;
}

// services/<svc>/migrations/NNNN_name.sql (issue #2 item 6 / ARCHITECTURE "Storage").
const NAME = /^(\d{4})_[a-z0-9_]+$/;

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Validates names, rejects duplicate versions, and orders by version. */
export function prepareMigrations(migrations: readonly Migration[]): PreparedMigration[] {
  const byVersion = new Map<number, PreparedMigration>();
  for (const migration of migrations) {
    const match = NAME.exec(migration.name);
    if (match === null) {
      throw new InvalidMigrationError(
        `migration name "${migration.name}" must look like NNNN_snake_case (four digits, underscore, lowercase)`,
        migration.name,
      );
    }
    const version = Number(match[1]);
    const clash = byVersion.get(version);
    if (clash !== undefined) {
      throw new InvalidMigrationError(
        `migrations "${clash.name}" and "${migration.name}" share version ${version}`,
        migration.name,
      );
    }
    byVersion.set(version, { ...migration, version, checksum: checksumOf(migration.sql) });
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

/**
 * Reads `NNNN_name.sql` files from `dir`. Any other `.sql` file is an error rather than silently
 * skipped: a misnamed migration that never runs is worse than a failed start.
 */
export async function loadMigrations(dir: string): Promise<PreparedMigration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations = await Promise.all(
    files.map(async (file) => ({ name: file.slice(0, -'.sql'.length), sql: await readFile(join(dir, file), 'utf8') })),
  );
  return prepareMigrations(migrations);
}
