export type { EmbeddedServer } from './embedded-postgres.ts';
export {
  DatabaseOpenError,
  InvalidIncrementError,
  InvalidMigrationError,
  InvalidTtlError,
  MigrationChecksumError,
  MigrationFailedError,
  NotAnIntegerError,
  TtlStoreUnavailableError,
} from './errors.ts';
export { MemoryTtlStore, type MemoryTtlStoreOptions } from './memory-ttl-store.ts';
export { type MigrateOptions, type MigrateResult, migrate } from './migrate.ts';
export { checksumOf, loadMigrations, type Migration, type PreparedMigration, prepareMigrations } from './migrations.ts';
export { type Database, type OpenDatabaseOptions, openDatabase } from './open-database.ts';
export { redactUrl } from './redact-url.ts';
export {
  type OpenRedisTtlStoreOptions,
  openRedisTtlStore,
  RedisTtlStore,
  type RedisTtlStoreOptions,
} from './redis-ttl-store.ts';
export type { TtlIncrOptions, TtlSetOptions, TtlStore } from './ttl-store.ts';
