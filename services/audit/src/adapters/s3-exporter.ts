import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { HermesConfig } from '@hermes/config';
import type { StoredRecord } from '../domain/stored-record.ts';
import { ExportFailedError } from '../errors.ts';

/** Where export objects go: one PUT per object. */
export interface ObjectWriter {
  put(bucket: string, key: string, body: string, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/**
 * An S3 client for any S3-compatible store (`audit.s3.*`: endpoint, region, keys, path-style). With no
 * keys configured the SDK's default credential chain applies (instance roles, web identity). Checksums
 * only when an operation requires them: several S3-compatible servers refuse the SDK's default
 * streaming CRC trailers.
 */
export function s3ObjectWriter(s3: HermesConfig['audit']['s3']): ObjectWriter {
  const client = new S3Client({
    region: s3.region,
    forcePathStyle: s3.force_path_style,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...(s3.access_key_id && s3.secret_access_key
      ? { credentials: { accessKeyId: s3.access_key_id, secretAccessKey: s3.secret_access_key } }
      : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
  return {
    async put(bucket, key, body, signal) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: 'application/x-ndjson',
          }),
          signal ? { abortSignal: signal } : {},
        );
      } catch (error) {
        throw new ExportFailedError(key, { cause: error });
      }
    },
    close: () => client.destroy(),
  };
}

/**
 * One JSON line per record with every field the hash covers plus the chain fields, so a copy in
 * object storage can be verified on its own (hash = SHA-256(prev_hash "\n" canonical event), see
 * domain/chain-hash.ts).
 */
export function exportLine(r: StoredRecord): string {
  const e = r.event;
  return JSON.stringify({
    seq: r.seq,
    id: e.id,
    time: new Date(e.timeMs).toISOString(),
    service: e.service,
    kind: e.kind,
    outcome: e.outcome,
    session_id: e.sessionId,
    actor: e.actor,
    trace_id: e.traceId,
    attributes: e.attributes,
    prev_hash: r.prevHash,
    hash: r.hash,
    recorded_at: new Date(r.recordedAtMs).toISOString(),
  });
}
