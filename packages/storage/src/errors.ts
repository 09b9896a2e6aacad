import { redactUrl } from './redact-url.ts';

function causeMessage(cause: unknown): string {
  return redactUrl(cause instanceof Error ? cause.message : String(cause));
}

/** The database could not be opened or reached. `target` is the redacted URL or data dir. */
export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
  readonly target: string;

  constructor(target: string, options?: { cause?: unknown }) {
    const safeTarget = redactUrl(target);
    super(`cannot open database ${safeTarget}: ${causeMessage(options?.cause)}`, options);
    this.target = safeTarget;
  }
}

/** A migration set is malformed: bad file name, duplicate or unordered version, bad schema name. */
export class InvalidMigrationError extends Error {
  override readonly name = 'InvalidMigrationError';
  readonly migration: string | undefined;

  constructor(message: string, migration?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.migration = migration;
  }
}

/** A migration's SQL failed; its transaction was rolled back and later migrations not run. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  readonly schema: string;
  readonly migration: string;

  constructor(schema: string, migration: string, options: { cause: unknown }) {
    super(`migration ${schema}/${migration} failed and was rolled back: ${causeMessage(options.cause)}`, options);
    this.schema = schema;
    this.migration = migration;
  }
}

/**
 * An already-applied migration file has changed since it was applied. Refused because the
 * database no longer matches what the files say; add a new migration instead of editing one.
 */
export class MigrationChecksumError extends Error {
  override readonly name = 'MigrationChecksumError';
  readonly schema: string;
  readonly migration: string;
  readonly appliedChecksum: string;
  readonly fileChecksum: string;

  constructor(schema: string, migration: string, appliedChecksum: string, fileChecksum: string) {
    super(
      `migration ${schema}/${migration} was changed after it was applied (applied sha256 ${appliedChecksum.slice(0, 12)}…, file sha256 ${fileChecksum.slice(0, 12)}…); never edit an applied migration, add a new one`,
    );
    this.schema = schema;
    this.migration = migration;
    this.appliedChecksum = appliedChecksum;
    this.fileChecksum = fileChecksum;
  }
}

/** `ttlMs` must be a positive integer number of milliseconds. */
export class InvalidTtlError extends Error {
  override readonly name = 'InvalidTtlError';
  readonly ttlMs: number;

  constructor(ttlMs: number) {
    super(`ttlMs must be a positive integer number of milliseconds, got ${ttlMs}`);
    this.ttlMs = ttlMs;
  }
}

/** `incr` on a key whose value is not an integer (Redis: "ERR value is not an integer"). */
export class NotAnIntegerError extends Error {
  override readonly name = 'NotAnIntegerError';
  readonly key: string;

  constructor(key: string, options?: { cause?: unknown }) {
    super(`value at key "${key}" is not an integer`, options);
    this.key = key;
  }
}

/** The TTL store backend failed (connection lost, timeout). */
export class TtlStoreUnavailableError extends Error {
  override readonly name = 'TtlStoreUnavailableError';

  constructor(operation: string, options?: { cause?: unknown }) {
    super(`TTL store unavailable during ${operation}: ${causeMessage(options?.cause)}`, options);
  }
}

/** `incr`'s `by` must be a safe integer (Redis INCRBY takes integers only). */
export class InvalidIncrementError extends Error {
  override readonly name = 'InvalidIncrementError';
  readonly by: number;

  constructor(by: number) {
    super(`incr "by" must be a safe integer, got ${by}`);
    this.by = by;
  }
}
