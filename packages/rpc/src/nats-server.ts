import {
  type DescMethodServerStreaming,
  type DescMethodUnary,
  fromBinary,
  type Message,
  toBinary,
} from '@bufbuild/protobuf';
import { Empty, type Msg, type MsgHdrs, headers as natsHeaders, type Subscription } from '@nats-io/transport-node';
import { DEFAULT_TIMEOUT_MS } from './call-context.ts';
import { Dispatcher } from './dispatcher.ts';
import { RpcError } from './errors.ts';
import type { RpcLogger } from './logger.ts';
import type { BusConnection } from './nats-connection.ts';
import { NatsStatusHeader, natsErrorHeaders, toRpcError } from './rpc-status.ts';
import type { ServiceRegistration } from './service-impl.ts';
import { Code } from './status-code.ts';
import { methodOf, serviceWildcard } from './subjects.ts';
import { CallHeader } from './transport.ts';

/** Longest budget a caller may ask for; a bigger header is a client bug, not a reason to hold a handler for days. */
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export interface NatsServing {
  /** Stops taking new requests and waits for in-flight ones (SIGTERM path). */
  stop(): Promise<void>;
}

/**
 * Serves registrations over NATS request/reply: one wildcard subscription per service in a queue group
 * named after the service, so any number of replicas share the load.
 */
export function serveNats(
  bus: BusConnection,
  registrations: readonly ServiceRegistration[],
  logger: RpcLogger,
): NatsServing {
  const subs: Subscription[] = [];
  const inflight = new Set<Promise<void>>();
  for (const reg of registrations) {
    const dispatcher = new Dispatcher(reg, logger);
    const log = logger.child({ transport: 'nats' });
    const sub = bus.nc.subscribe(serviceWildcard(reg.subjectPrefix), {
      queue: reg.name,
      callback: (err, msg) => {
        if (err) {
          log.error({ err }, 'subscription error');
          return;
        }
        const p = handle(bus, dispatcher, reg, msg, log).catch((e) => log.error({ err: e }, 'failed to reply'));
        inflight.add(p);
        p.finally(() => inflight.delete(p));
      },
    });
    subs.push(sub);
  }
  return {
    stop: async () => {
      for (const s of subs) s.unsubscribe();
      await Promise.allSettled([...inflight]);
    },
  };
}

async function handle(
  bus: BusConnection,
  dispatcher: Dispatcher,
  reg: ServiceRegistration,
  msg: Msg,
  log: RpcLogger,
): Promise<void> {
  const reply = msg.reply;
  if (!reply) {
    // Nobody to answer: a publish instead of a request. Logged once, without the payload.
    log.warn({ subject: msg.subject, bytes: msg.data.length }, 'request without reply subject dropped');
    return;
  }
  const h = msg.headers;
  const get = (k: string): string | undefined => {
    const v = h?.get(k);
    return v === undefined || v === '' ? undefined : v;
  };
  const respondError = (err: RpcError, reason: string) => {
    log.warn({ subject: msg.subject, status: err.codeName, reason }, 'request rejected');
    publish(bus, reply, Empty, errorHeaders(err));
  };

  const methodName = methodOf(reg.subjectPrefix, msg.subject);
  const method = methodName === undefined ? undefined : dispatcher.method(methodName);
  if (!method) {
    return respondError(
      new RpcError(Code.UNIMPLEMENTED, `${reg.desc.typeName} has no method ${methodName ?? msg.subject}`),
      'unknown method',
    );
  }
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  const rawTimeout = get(CallHeader.timeoutMs);
  if (rawTimeout !== undefined) {
    const n = /^\d{1,12}$/.test(rawTimeout) ? Number(rawTimeout) : Number.NaN;
    if (!Number.isFinite(n) || n > MAX_TIMEOUT_MS) {
      return respondError(
        new RpcError(
          Code.INVALID_ARGUMENT,
          `header ${CallHeader.timeoutMs} must be whole milliseconds up to ${MAX_TIMEOUT_MS}`,
        ),
        'bad timeout header',
      );
    }
    if (n === 0) return respondError(new RpcError(Code.DEADLINE_EXCEEDED, 'deadline already exceeded'), 'expired');
    timeoutMs = n;
  }
  if (msg.data.length > reg.maxMessageBytes) {
    return respondError(
      new RpcError(
        Code.RESOURCE_EXHAUSTED,
        `request of ${msg.data.length} bytes exceeds the ${reg.maxMessageBytes}-byte limit of ${reg.name}`,
      ),
      'oversized',
    );
  }
  let request: Message;
  try {
    request = fromBinary(method.input, msg.data) as Message;
  } catch {
    return respondError(
      new RpcError(Code.INVALID_ARGUMENT, `malformed protobuf payload: expected ${method.input.typeName}`),
      'malformed payload',
    );
  }
  const traceparent = get(CallHeader.traceparent);
  const tracestate = get(CallHeader.tracestate);
  const incoming = {
    requestId: get(CallHeader.requestId),
    caller: get(CallHeader.caller),
    deadline: Date.now() + timeoutMs,
    traceCarrier: traceparent ? { traceparent, ...(tracestate ? { tracestate } : {}) } : undefined,
  };

  if (method.methodKind === 'unary') {
    try {
      const out = await dispatcher.unary(method as DescMethodUnary, request, incoming);
      publish(bus, reply, toBinary(method.output, out), okHeaders());
    } catch (err) {
      publish(bus, reply, Empty, errorHeaders(toRpcError(err)));
    }
    return;
  }
  let seq = 0;
  try {
    for await (const out of dispatcher.serverStream(method as DescMethodServerStreaming, request, incoming)) {
      const hh = natsHeaders();
      hh.set(CallHeader.seq, String(seq++));
      publish(bus, reply, toBinary(method.output, out), hh);
    }
    const end = okHeaders();
    end.set(CallHeader.seq, String(seq));
    end.set(CallHeader.eos, '1');
    publish(bus, reply, Empty, end);
  } catch (err) {
    const end = errorHeaders(toRpcError(err));
    end.set(CallHeader.seq, String(seq));
    end.set(CallHeader.eos, '1');
    publish(bus, reply, Empty, end);
  }
}

function publish(bus: BusConnection, subject: string, data: Uint8Array, headers: MsgHdrs): void {
  try {
    bus.nc.publish(subject, data, { headers });
  } catch {
    // Connection closed mid-reply: the caller's deadline turns this into UNAVAILABLE on its side.
  }
}

function okHeaders(): MsgHdrs {
  const h = natsHeaders();
  h.set(NatsStatusHeader.grpcStatus, '0');
  return h;
}

function errorHeaders(err: RpcError): MsgHdrs {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(natsErrorHeaders(err))) h.set(k, v);
  return h;
}
