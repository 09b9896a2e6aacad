import type { PgAuditStore } from './adapters/pg-audit-store.ts';
import { exportLine, type ObjectWriter } from './adapters/s3-exporter.ts';
import { exportKey, parseExportTarget } from './domain/export-target.ts';

export interface ExportResult {
  readonly keys: readonly string[];
  readonly records: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
}

export interface ExporterOptions {
  readonly store: PgAuditStore;
  readonly writer: ObjectWriter;
  readonly clock: () => number;
  /** Records per object (default 10000). */
  readonly recordsPerObject?: number;
}

/**
 * Copies the chain to S3-compatible storage so the trail survives container teardown (seed:
 * "Storing Security Audit Trails"). Incremental: each target remembers the last seq written, and
 * every object covers a fixed seq range, so an interrupted export resumes where it stopped.
 */
export class Exporter {
  readonly #o: ExporterOptions;
  #running: Promise<ExportResult> | undefined;

  constructor(options: ExporterOptions) {
    this.#o = options;
  }

  /** Exports to `to` (s3://bucket/prefix); `full` starts again from seq 1. One export at a time per replica. */
  export(to: string, full = false, signal?: AbortSignal): Promise<ExportResult> {
    const target = parseExportTarget(to);
    const previous = this.#running ?? Promise.resolve(undefined);
    const run = previous
      .catch(() => undefined)
      .then(async (): Promise<ExportResult> => {
        const { store, writer } = this.#o;
        const per = this.#o.recordsPerObject ?? 10_000;
        const head = await store.head();
        let after = full ? 0 : await store.exportCursor(target.url);
        const keys: string[] = [];
        let records = 0;
        let firstSeq = 0;
        while (after < head.seq) {
          signal?.throwIfAborted();
          const page = await store.page(after, head.seq, per);
          const first = page[0];
          const last = page.at(-1);
          if (first === undefined || last === undefined) break;
          const key = exportKey(target, first.seq, last.seq);
          await writer.put(target.bucket, key, `${page.map(exportLine).join('\n')}\n`, signal);
          await store.advanceExportCursor(target.url, last.seq, new Date(this.#o.clock()));
          keys.push(key);
          records += page.length;
          if (firstSeq === 0) firstSeq = first.seq;
          after = last.seq;
        }
        return { keys, records, firstSeq, lastSeq: records > 0 ? after : 0 };
      });
    this.#running = run;
    return run;
  }
}
