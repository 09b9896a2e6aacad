/** Problems the audit service reports to itself; callers only ever see RpcErrors built from these. */

/** Postgres could not be read or written (it may be away: ingestion retries, RPCs answer UNAVAILABLE). */
export class AuditStoreError extends Error {
  override readonly name = 'AuditStoreError';
  readonly operation: string;

  constructor(operation: string, options?: { cause?: unknown }) {
    super(`audit store ${operation} failed`, options);
    this.operation = operation;
  }
}

/** An export target that is not `s3://bucket[/prefix]`. */
export class InvalidExportTargetError extends Error {
  override readonly name = 'InvalidExportTargetError';
  readonly target: string;

  constructor(target: string, reason: string) {
    super(`export target must be s3://bucket/prefix: ${reason}`);
    this.target = target;
  }
}

/** Writing an export object to the S3-compatible store failed. */
export class ExportFailedError extends Error {
  override readonly name = 'ExportFailedError';
  readonly key: string;

  constructor(key: string, options?: { cause?: unknown }) {
    super(`writing export object ${key} failed`, options);
    this.key = key;
  }
}

/** Export was asked for but neither the request nor `audit.export.to` names a target. */
export class NoExportTargetError extends Error {
  override readonly name = 'NoExportTargetError';

  constructor() {
    super('no export target: pass one or set audit.export.to');
  }
}
