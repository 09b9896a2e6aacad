import { createHash } from 'node:crypto';

/** prev_hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** A JSON value as stored in `audit.records.attributes` (jsonb). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Exactly the fields a record's hash covers: everything the event says, nothing the writer adds. */
export interface ChainedEvent {
  readonly id: string;
  /** Epoch milliseconds (timestamptz keeps microseconds; the chain fixes milliseconds so a round trip is exact). */
  readonly timeMs: number;
  readonly service: string;
  readonly kind: string;
  readonly outcome: string;
  readonly sessionId: string;
  readonly actor: string;
  readonly traceId: string;
  readonly attributes: JsonValue | null;
}

/**
 * JSON with object keys sorted at every level and no whitespace. jsonb reorders keys and drops
 * formatting, so the hash is computed over this form, which is the same before the insert and after
 * reading the row back.
 */
export function canonicalJson(value: JsonValue | null): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] ?? null)}`).join(',')}}`;
}

/** The canonical encoding of an event (version-tagged, so a future encoding can coexist). */
export function canonicalEvent(e: ChainedEvent): string {
  return canonicalJson({
    v: 1,
    id: e.id,
    time: new Date(e.timeMs).toISOString(),
    service: e.service,
    kind: e.kind,
    outcome: e.outcome,
    session_id: e.sessionId,
    actor: e.actor,
    trace_id: e.traceId,
    attributes: e.attributes,
  });
}

/** hash = hex SHA-256(prev_hash || "\n" || canonical event). */
export function chainHash(prevHash: string, e: ChainedEvent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEvent(e)).digest('hex');
}

/**
 * Postgres text and jsonb refuse U+0000; an event carrying one would block the stream forever. It is
 * replaced (U+FFFD) before hashing, so the stored and hashed forms agree.
 */
export function withoutNul(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}

/** Applies withoutNul to every string (keys included) of a JSON value. */
export function jsonWithoutNul(v: JsonValue | null): JsonValue | null {
  if (typeof v === 'string') return withoutNul(v);
  if (Array.isArray(v)) return v.map((x) => jsonWithoutNul(x) as JsonValue);
  if (v !== null && typeof v === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) out[withoutNul(k)] = jsonWithoutNul(x) as JsonValue;
    return out;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}
