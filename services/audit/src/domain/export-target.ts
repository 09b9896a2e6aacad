import { InvalidExportTargetError } from '../errors.ts';

/** `s3://bucket/prefix` split into its parts; the prefix has no leading or trailing slash. */
export interface ExportTarget {
  readonly bucket: string;
  readonly prefix: string;
  /** Normalized form, the key of the export cursor. */
  readonly url: string;
}

// S3 bucket naming rules (3-63 chars, lowercase letters, digits, dots, hyphens).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseExportTarget(target: string): ExportTarget {
  const m = /^s3:\/\/([^/\s]+)(?:\/(\S*))?$/.exec(target.trim());
  if (!m) throw new InvalidExportTargetError(target, 'expected s3://bucket/prefix');
  const bucket = m[1] ?? '';
  if (!BUCKET.test(bucket)) throw new InvalidExportTargetError(target, `"${bucket}" is not a valid bucket name`);
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((part) => part === '..' || part === '.')) {
    throw new InvalidExportTargetError(target, 'the prefix may not contain "." or ".." segments');
  }
  return { bucket, prefix, url: `s3://${bucket}${prefix ? `/${prefix}` : ''}` };
}

/**
 * Object key of the records firstSeq..lastSeq. Zero-padded, so keys sort in chain order and an
 * export of the same range always writes the same key (a retried or concurrent export overwrites it
 * with identical content instead of duplicating it).
 */
export function exportKey(target: ExportTarget, firstSeq: number, lastSeq: number): string {
  const pad = (n: number) => String(n).padStart(20, '0');
  const name = `hermes-audit-${pad(firstSeq)}-${pad(lastSeq)}.jsonl`;
  return target.prefix ? `${target.prefix}/${name}` : name;
}
