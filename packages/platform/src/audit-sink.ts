import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { create, type JsonObject, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { auditv1 } from '@hermes/proto';
import type { BusConnection, RpcLogger } from '@hermes/rpc';
import type { Redactor } from '@hermes/security';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { trace } from '@opentelemetry/api';

/** What a service says happened. Secrets never belong here; string values are redacted again anyway. */
export interface AuditEventInit {
  /** `<service>.<what>`, e.g. `authz.check`, `authz.pairing.lockout`. */
  readonly kind: string;
  /** `allowed`, `denied`, `issued`, `failed`, `locked_out`, … */
  readonly outcome: string;
  readonly sessionId?: string;
  readonly actor?: string;
  readonly attributes?: JsonObject;
}

/** Where every service's audit events go (ARCHITECTURE: "Every decision above emits an audit event"). */
export interface AuditSink {
  emit(event: AuditEventInit): void;
  /** Waits until emitted events have left this process (NATS flush). */
  flush(): Promise<void>;
}

/** The NATS subject of a service's audit events; the audit service's JetStream stream captures `hermes.v1.audit.events.>`. */
export function auditSubject(service: string): string {
  return `hermes.v1.audit.events.${service}`;
}

/** In embedded mode events travel on this emitter; the audit service subscribes to it. */
export class InProcessAuditBus extends EventEmitter<{ event: [auditv1.AuditEvent] }> {}

function buildEvent(service: string, init: AuditEventInit, redactor: Redactor, now: () => number): auditv1.AuditEvent {
  const sc = trace.getActiveSpan()?.spanContext();
  const red = (s: string | undefined) => (s === undefined ? '' : redactor.redact(s));
  return create(auditv1.AuditEventSchema, {
    id: randomUUID(),
    time: timestampFromMs(now()),
    service,
    kind: init.kind,
    outcome: init.outcome,
    sessionId: red(init.sessionId),
    actor: red(init.actor),
    traceId: sc && sc.traceId !== '00000000000000000000000000000000' ? sc.traceId : '',
    attributes: init.attributes ? (redactJson(init.attributes, redactor) as JsonObject) : undefined,
  });
}

function redactJson(v: unknown, redactor: Redactor): unknown {
  if (typeof v === 'string') return redactor.redact(v);
  if (Array.isArray(v)) return v.map((x) => redactJson(x, redactor));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = redactJson(x, redactor);
    return out;
  }
  return v;
}

export interface NatsAuditSinkOptions {
  /** Events held while JetStream does not acknowledge them; beyond it the oldest are dropped (and logged). */
  readonly maxQueue?: number;
  /** How often to look again for a stream capturing the audit subjects when none was found. */
  readonly recheckMs?: number;
  readonly logger?: RpcLogger;
}

const PUBLISH_WINDOW = 64;

/**
 * Publishes protobuf `AuditEvent`s on NATS (distributed mode). Once a JetStream stream captures the
 * audit subjects (the audit service creates it), every event is published to JetStream and kept in a
 * bounded queue until the stream acknowledges it, with the event id as `Nats-Msg-Id` so a retry is
 * stored once: events survive NATS reconnects and JetStream restarts, not only Postgres outages. With
 * no such stream yet (the audit service has never run), events go out as plain publishes.
 */
export function natsAuditSink(
  bus: BusConnection,
  service: string,
  redactor: Redactor,
  now: () => number = Date.now,
  options: NatsAuditSinkOptions = {},
): AuditSink {
  const subject = auditSubject(service);
  const maxQueue = options.maxQueue ?? 10_000;
  const recheckMs = options.recheckMs ?? 5_000;
  const js = jetstream(bus.nc);
  const queue: Array<{ readonly id: string; readonly data: Uint8Array }> = [];
  let durable = false;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let pumping: Promise<void> | undefined;
  let dropped = 0;

  const checkStream = async () => {
    checkedAt = Date.now();
    try {
      const jsm = await jetstreamManager(bus.nc, { checkAPI: false });
      await jsm.streams.find(subject);
      durable = true;
    } catch {
      durable = false;
    }
  };

  const pump = async () => {
    let backoff = 50;
    while (queue.length > 0 && !bus.nc.isClosed()) {
      if (!durable && Date.now() - checkedAt >= recheckMs) await checkStream();
      if (!durable) {
        const item = queue.shift()!;
        try {
          bus.nc.publish(subject, item.data);
        } catch {
          // Closed during shutdown: nothing left to deliver it.
        }
        continue;
      }
      const batch = queue.slice(0, PUBLISH_WINDOW);
      const results = await Promise.allSettled(
        batch.map((item) => js.publish(subject, item.data, { msgID: item.id, timeout: 2_000 })),
      );
      // Drop the acknowledged prefix; keep the first failure and everything after it, in order.
      const firstFailure = results.findIndex((r) => r.status === 'rejected');
      queue.splice(0, firstFailure < 0 ? batch.length : firstFailure);
      if (firstFailure >= 0) {
        // JetStream away or the stream deleted: look again, and retry with backoff.
        await checkStream();
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 2_000);
      } else {
        backoff = 50;
      }
    }
  };

  return {
    emit(init) {
      const ev = buildEvent(service, init, redactor, now);
      if (queue.length >= maxQueue) {
        queue.shift();
        if (dropped++ % 1_000 === 0) {
          options.logger?.error({ service, dropped }, 'audit queue full: oldest events dropped');
        }
      }
      queue.push({ id: ev.id, data: toBinary(auditv1.AuditEventSchema, ev) });
      pumping ??= pump().finally(() => {
        pumping = undefined;
      });
    },
    flush: async () => {
      // Bounded: shutdown must not hang on an unreachable JetStream.
      await Promise.race([pumping, new Promise((r) => setTimeout(r, 5_000).unref())]);
      if (!bus.nc.isClosed()) await bus.nc.flush().catch(() => {});
    },
  };
}

/** Emits on the in-process audit bus (embedded mode). */
export function inProcessAuditSink(
  bus: InProcessAuditBus,
  service: string,
  redactor: Redactor,
  now: () => number = Date.now,
): AuditSink {
  return {
    emit(init) {
      bus.emit('event', buildEvent(service, init, redactor, now));
    },
    flush: async () => {},
  };
}
