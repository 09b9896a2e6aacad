import { fromBinary } from '@bufbuild/protobuf';
import type { Logger } from '@hermes/observability';
import { auditv1 } from '@hermes/proto';
import { type BusConnection, connectBus } from '@hermes/rpc';
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import type { AuditMetrics } from './audit-metrics.ts';
import type { ChainWriter } from './chain-writer.ts';
import type { ChainedEvent } from './domain/chain-hash.ts';
import { chainedFromProto } from './proto-map.ts';

/** The JetStream side of ingestion: names and limits (defaults are what `hermes serve audit` uses). */
export interface AuditStreamSettings {
  /** Stream name (default `HERMES_AUDIT`). */
  readonly stream: string;
  /** Subjects it captures (default `hermes.v1.audit.events.>`: every service's `auditSubject`). */
  readonly subjects: readonly string[];
  /** Durable pull consumer shared by every audit replica (default `audit-writer`). */
  readonly durable: string;
  /** Redelivery after this long without an ack (default 15 s; the writer sends in-progress acks while Postgres is away). */
  readonly ackWaitMs: number;
  /** Unacknowledged events the consumer hands out at most (default 4096): bounds memory while Postgres is away. */
  readonly maxAckPending: number;
}

export const DEFAULT_STREAM_SETTINGS: AuditStreamSettings = {
  stream: 'HERMES_AUDIT',
  subjects: ['hermes.v1.audit.events.>'],
  durable: 'audit-writer',
  ackWaitMs: 15_000,
  maxAckPending: 4096,
};

const nanos = (ms: number): number => ms * 1_000_000;

/**
 * Creates (or updates) the audit stream and its durable consumer. File storage and work-queue
 * retention: an event stays on disk until an audit replica has committed it to Postgres and acked
 * it, however long Postgres is away; nothing is kept after that (Postgres and the exports are the
 * record).
 */
export async function ensureAuditStream(jsm: JetStreamManager, s: AuditStreamSettings): Promise<void> {
  const stream = {
    name: s.stream,
    subjects: [...s.subjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
  };
  try {
    const info = await jsm.streams.info(s.stream);
    const same =
      info.config.subjects?.length === s.subjects.length && s.subjects.every((x) => info.config.subjects?.includes(x));
    if (!same) await jsm.streams.update(s.stream, { subjects: [...s.subjects] });
  } catch {
    await jsm.streams.add(stream);
  }
  const consumer = {
    durable_name: s.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(s.ackWaitMs),
    max_ack_pending: s.maxAckPending,
    max_deliver: -1,
  };
  try {
    await jsm.consumers.info(s.stream, s.durable);
    await jsm.consumers.update(s.stream, s.durable, {
      ack_wait: consumer.ack_wait,
      max_ack_pending: consumer.max_ack_pending,
    });
  } catch {
    await jsm.consumers.add(s.stream, consumer);
  }
}

export interface JetStreamIngestOptions {
  readonly url: string;
  readonly settings: AuditStreamSettings;
  readonly writer: ChainWriter;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics?: AuditMetrics;
  /** Applied to every event before it is stored (defence in depth: emitters redact already). */
  readonly scrub: (e: ChainedEvent) => ChainedEvent;
}

export interface JetStreamIngest {
  /** Stops pulling; what is queued can still be committed and acked until close(). */
  stopPulling(): Promise<void>;
  /** Drains and closes the connection; unacked events stay in the stream for the next replica. */
  close(): Promise<void>;
  readonly bus: BusConnection;
}

/**
 * Pulls audit events from the durable consumer in stream order into the chain writer and acks each
 * one only after the transaction holding it has committed. A message that is not an AuditEvent is
 * terminated (it can never be stored) and counted.
 */
export async function startJetStreamIngest(o: JetStreamIngestOptions): Promise<JetStreamIngest> {
  const bus = await connectBus({ url: o.url, name: 'hermes-audit-ingest', logger: o.logger, waitOnFirstConnect: true });
  let messages: ConsumerMessages | undefined;
  let stopped = false;
  try {
    await ensureAuditStream(await jetstreamManager(bus.nc), o.settings);
    const consumer = await jetstream(bus.nc).consumers.get(o.settings.stream, o.settings.durable);
    // Pull up to maxAckPending ahead; the server stops handing out more until acks come back.
    messages = await consumer.consume({ max_messages: Math.min(o.settings.maxAckPending, 1000) });
  } catch (error) {
    await bus.close();
    throw error;
  }
  const pump = (async () => {
    for await (const m of messages) {
      let event: ChainedEvent;
      try {
        const decoded = fromBinary(auditv1.AuditEventSchema, m.data);
        event = o.scrub(chainedFromProto(decoded, o.clock()));
        // No id means no deduplication key; the stream position is unique and stable across redelivery.
        if (event.id === '') event = { ...event, id: `jetstream:${o.settings.stream}:${m.seq}` };
      } catch (error) {
        o.metrics?.rejected.inc();
        o.logger.error({ err: error, subject: m.subject, streamSeq: m.seq }, 'not an audit event; terminated');
        m.term('not a hermes.audit.v1.AuditEvent');
        continue;
      }
      o.writer.push({
        event: { event, streamSeq: m.seq },
        committed: () => m.ack(),
        touch: () => m.working(),
        released: () => m.nak(),
      });
    }
  })().catch((error: unknown) => {
    if (!stopped) o.logger.error({ err: error }, 'audit stream consumer stopped');
  });
  return {
    bus,
    stopPulling: async () => {
      stopped = true;
      await messages.close().catch(() => {});
      await pump;
    },
    close: () => bus.drain(),
  };
}
