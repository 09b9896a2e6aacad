import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { create, type JsonObject, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { auditv1 } from '@hermes/proto';
import type { BusConnection } from '@hermes/rpc';
import type { Redactor } from '@hermes/security';
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

/** Publishes protobuf `AuditEvent`s on NATS (distributed mode). */
export function natsAuditSink(
  bus: BusConnection,
  service: string,
  redactor: Redactor,
  now: () => number = Date.now,
): AuditSink {
  const subject = auditSubject(service);
  return {
    emit(init) {
      const ev = buildEvent(service, init, redactor, now);
      try {
        // Published even while disconnected: the client buffers and sends after reconnect.
        bus.nc.publish(subject, toBinary(auditv1.AuditEventSchema, ev));
      } catch {
        // Closed connection during shutdown: nothing left to deliver it.
      }
    },
    flush: async () => {
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
