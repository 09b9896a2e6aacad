import type postgres from 'postgres';
import { chainHash, type JsonValue } from '../domain/chain-hash.ts';
import type { ChainHead, IncomingEvent, RecordFilter, StoredRecord } from '../domain/stored-record.ts';
import { AuditStoreError } from '../errors.ts';

interface RecordRow {
  seq: string;
  event_id: string;
  event_time: Date;
  recorded_at: Date;
  service: string;
  kind: string;
  outcome: string;
  session_id: string;
  actor: string;
  trace_id: string;
  attributes: JsonValue | null;
  stream_seq: string;
  prev_hash: string;
  hash: string;
}

function toRecord(r: RecordRow): StoredRecord {
  return {
    seq: Number(r.seq),
    event: {
      id: r.event_id,
      timeMs: r.event_time.getTime(),
      service: r.service,
      kind: r.kind,
      outcome: r.outcome,
      sessionId: r.session_id,
      actor: r.actor,
      traceId: r.trace_id,
      attributes: r.attributes,
    },
    prevHash: r.prev_hash,
    hash: r.hash,
    recordedAtMs: r.recorded_at.getTime(),
    streamSeq: Number(r.stream_seq),
  };
}

export interface AppendResult {
  readonly appended: number;
  /** Events whose id was already in the chain (redelivery) or repeated within the batch. */
  readonly duplicates: number;
  readonly head: ChainHead;
}

/**
 * `audit.records` in Postgres (or embedded PGlite: same SQL; no session state, every table
 * schema-qualified, because the embedded server shares one session between all services).
 */
export class PgAuditStore {
  readonly #sql: postgres.Sql;

  constructor(sql: postgres.Sql) {
    this.#sql = sql;
  }

  /**
   * Appends a batch in one transaction, in the given order. The chain-head row is locked FOR UPDATE
   * first, so concurrent writers (several replicas) queue instead of forking the chain; events whose
   * id is already stored are skipped, so a redelivered batch never appends twice.
   */
  async append(batch: readonly IncomingEvent[], now: Date): Promise<AppendResult> {
    try {
      return await this.#sql.begin(async (tx) => {
        const [head] = await tx<{ seq: string; hash: string }[]>`
          SELECT seq, hash FROM audit.chain_head WHERE id FOR UPDATE`;
        if (head === undefined) throw new Error('audit.chain_head has no row');
        const ids = batch.map((b) => b.event.id);
        const seen = new Set(
          (await tx<{ event_id: string }[]>`SELECT event_id FROM audit.records WHERE event_id = ANY(${ids})`).map(
            (r) => r.event_id,
          ),
        );
        let seq = Number(head.seq);
        let hash = head.hash;
        const rows: Record<string, unknown>[] = [];
        for (const { event, streamSeq } of batch) {
          if (seen.has(event.id)) continue;
          seen.add(event.id);
          const prev = hash;
          hash = chainHash(prev, event);
          seq += 1;
          rows.push({
            seq,
            event_id: event.id,
            event_time: new Date(event.timeMs).toISOString(),
            recorded_at: now.toISOString(),
            service: event.service,
            kind: event.kind,
            outcome: event.outcome,
            session_id: event.sessionId,
            actor: event.actor,
            trace_id: event.traceId,
            attributes: event.attributes,
            stream_seq: streamSeq,
            prev_hash: prev,
            hash,
          });
        }
        if (rows.length > 0) {
          // One parameter for the whole batch: a single round trip whatever the batch size.
          await tx`
            INSERT INTO audit.records (seq, event_id, event_time, recorded_at, service, kind, outcome,
              session_id, actor, trace_id, attributes, stream_seq, prev_hash, hash)
            SELECT seq, event_id, event_time, recorded_at, service, kind, outcome,
              session_id, actor, trace_id, attributes, stream_seq, prev_hash, hash
            FROM jsonb_to_recordset(${tx.json(rows as postgres.JSONValue)}::jsonb) AS x(
              seq int8, event_id text, event_time timestamptz, recorded_at timestamptz, service text,
              kind text, outcome text, session_id text, actor text, trace_id text, attributes jsonb,
              stream_seq int8, prev_hash text, hash text)
            ORDER BY seq`;
          await tx`UPDATE audit.chain_head SET seq = ${seq}, hash = ${hash}, updated_at = ${now} WHERE id`;
        }
        return { appended: rows.length, duplicates: batch.length - rows.length, head: { seq, hash } };
      });
    } catch (error) {
      throw new AuditStoreError('append', { cause: error });
    }
  }

  async head(): Promise<ChainHead> {
    try {
      const [row] = await this.#sql<{ seq: string; hash: string }[]>`SELECT seq, hash FROM audit.chain_head WHERE id`;
      if (row === undefined) throw new Error('audit.chain_head has no row');
      return { seq: Number(row.seq), hash: row.hash };
    } catch (error) {
      throw new AuditStoreError('head', { cause: error });
    }
  }

  /** The newest `limit` records matching the filter, oldest first. */
  async query(f: RecordFilter): Promise<StoredRecord[]> {
    const sql = this.#sql;
    const none = sql``;
    try {
      const rows = await sql<RecordRow[]>`
        SELECT * FROM (
          SELECT * FROM audit.records WHERE true
            ${f.sinceMs !== undefined ? sql`AND event_time >= ${new Date(f.sinceMs)}` : none}
            ${f.untilMs !== undefined ? sql`AND event_time < ${new Date(f.untilMs)}` : none}
            ${f.outcome ? sql`AND outcome = ${f.outcome}` : none}
            ${f.actor ? sql`AND actor = ${f.actor}` : none}
            ${f.kind ? sql`AND kind = ${f.kind}` : none}
            ${f.service ? sql`AND service = ${f.service}` : none}
            ${f.sessionId ? sql`AND session_id = ${f.sessionId}` : none}
          ORDER BY seq DESC LIMIT ${f.limit}
        ) newest ORDER BY seq`;
      return rows.map(toRecord);
    } catch (error) {
      throw new AuditStoreError('query', { cause: error });
    }
  }

  /** Records with afterSeq < seq <= uptoSeq, in seq order, at most `limit`. */
  async page(afterSeq: number, uptoSeq: number, limit: number): Promise<StoredRecord[]> {
    try {
      const rows = await this.#sql<RecordRow[]>`
        SELECT * FROM audit.records WHERE seq > ${afterSeq} AND seq <= ${uptoSeq} ORDER BY seq LIMIT ${limit}`;
      return rows.map(toRecord);
    } catch (error) {
      throw new AuditStoreError('page', { cause: error });
    }
  }

  /** The last seq exported to `target` (0 when never). */
  async exportCursor(target: string): Promise<number> {
    try {
      const [row] = await this.#sql<{ last_seq: string }[]>`
        SELECT last_seq FROM audit.exports WHERE target = ${target}`;
      return row === undefined ? 0 : Number(row.last_seq);
    } catch (error) {
      throw new AuditStoreError('export cursor', { cause: error });
    }
  }

  /** Moves the cursor forward only (two replicas exporting at once cannot move it back). */
  async advanceExportCursor(target: string, lastSeq: number, now: Date): Promise<void> {
    try {
      await this.#sql`
        INSERT INTO audit.exports (target, last_seq, exported_at) VALUES (${target}, ${lastSeq}, ${now})
        ON CONFLICT (target) DO UPDATE SET last_seq = excluded.last_seq, exported_at = excluded.exported_at
        WHERE audit.exports.last_seq < excluded.last_seq`;
    } catch (error) {
      throw new AuditStoreError('advance export cursor', { cause: error });
    }
  }
}
