import type { MessageInitShape } from '@bufbuild/protobuf';
import { type Timestamp, timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import type { auditv1 } from '@hermes/proto';
import { type ChainedEvent, type JsonValue, jsonWithoutNul, withoutNul } from './domain/chain-hash.ts';
import type { StoredRecord } from './domain/stored-record.ts';

/**
 * A received event as the chain stores it: time cut to milliseconds (what timestamptz gives back
 * exactly) and NUL characters replaced (Postgres refuses them). An event without a time gets the
 * time it was received; one without an id cannot be deduplicated and gets none invented here.
 */
export function chainedFromProto(e: auditv1.AuditEvent, receivedMs: number): ChainedEvent {
  return {
    id: withoutNul(e.id),
    timeMs: e.time ? Math.floor(timestampMs(e.time)) : receivedMs,
    service: withoutNul(e.service),
    kind: withoutNul(e.kind),
    outcome: withoutNul(e.outcome),
    sessionId: withoutNul(e.sessionId),
    actor: withoutNul(e.actor),
    traceId: withoutNul(e.traceId),
    attributes: e.attributes === undefined ? null : jsonWithoutNul(e.attributes as JsonValue),
  };
}

export function eventToProto(e: ChainedEvent): MessageInitShape<typeof auditv1.AuditEventSchema> {
  const attributes = e.attributes;
  return {
    id: e.id,
    time: timestampFromMs(e.timeMs),
    service: e.service,
    kind: e.kind,
    outcome: e.outcome,
    sessionId: e.sessionId,
    actor: e.actor,
    traceId: e.traceId,
    ...(attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes) ? { attributes } : {}),
  };
}

export function recordToProto(r: StoredRecord): MessageInitShape<typeof auditv1.AuditRecordSchema> {
  return {
    seq: BigInt(r.seq),
    event: eventToProto(r.event),
    prevHash: r.prevHash,
    hash: r.hash,
    recordedAt: timestampFromMs(r.recordedAtMs),
  };
}

export function msOf(t: Timestamp | undefined): number | undefined {
  return t === undefined ? undefined : timestampMs(t);
}
