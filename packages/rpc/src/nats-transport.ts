import {
  type DescMethodServerStreaming,
  type DescMethodUnary,
  fromBinary,
  type Message,
  toBinary,
} from '@bufbuild/protobuf';
import {
  createInbox,
  type Msg,
  type MsgHdrs,
  NoRespondersError,
  errors as natsErrors,
  headers as natsHeaders,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import { RpcError, TransportClosedError } from './errors.ts';
import type { BusConnection } from './nats-connection.ts';
import { fromNatsErrorHeaders } from './rpc-status.ts';
import { Code } from './status-code.ts';
import { methodSubject } from './subjects.ts';
import { CallHeader, type OutgoingCall, type Transport } from './transport.ts';

/** Calls services over NATS request/reply. A dead bus is UNAVAILABLE at once, never a hang. */
export class NatsTransport implements Transport {
  readonly kind = 'nats' as const;
  readonly #bus: BusConnection;
  #closed = false;

  constructor(bus: BusConnection) {
    this.#bus = bus;
  }

  async unary(method: DescMethodUnary, request: Message, call: OutgoingCall): Promise<Message> {
    this.#assertUsable(call);
    const subject = methodSubject(call.route, method.name);
    const timeout = call.deadline - Date.now();
    if (timeout <= 0) throw new RpcError(Code.DEADLINE_EXCEEDED, `deadline exceeded before calling ${method.name}`);
    let reply: Msg;
    try {
      const p = this.#bus.nc.request(subject, toBinary(method.input, request), {
        timeout,
        headers: requestHeaders(call, timeout),
      });
      reply = call.signal ? await raceSignal(p, call.signal) : await p;
    } catch (err) {
      throw this.#mapRequestError(err, call.route, method.name);
    }
    const failure = reply.headers ? fromNatsErrorHeaders(headerGetter(reply.headers)) : undefined;
    if (failure) throw failure;
    try {
      return fromBinary(method.output, reply.data) as Message;
    } catch (err) {
      throw new RpcError(Code.INTERNAL, `malformed reply from ${call.route}.${method.name}`, { cause: err });
    }
  }

  async *serverStream(
    method: DescMethodServerStreaming,
    request: Message,
    call: OutgoingCall,
  ): AsyncGenerator<Message> {
    this.#assertUsable(call);
    const nc = this.#bus.nc;
    const timeout = call.deadline - Date.now();
    if (timeout <= 0) throw new RpcError(Code.DEADLINE_EXCEEDED, `deadline exceeded before calling ${method.name}`);
    const inbox = createInbox();
    const sub = nc.subscribe(inbox);
    const timer = setTimeout(() => sub.unsubscribe(), timeout);
    let ended = false;
    const onAbort = () => sub.unsubscribe();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      nc.publish(methodSubject(call.route, method.name), toBinary(method.input, request), {
        reply: inbox,
        headers: requestHeaders(call, timeout),
      });
      let expected = 0;
      for await (const msg of sub) {
        const h = msg.headers;
        if (h?.hasError && h.code === 503) {
          throw new RpcError(Code.UNAVAILABLE, `no ${call.route} replica is serving`);
        }
        const get = h ? headerGetter(h) : () => '';
        const seq = Number(get(CallHeader.seq));
        if (seq !== expected) {
          throw new RpcError(Code.DATA_LOSS, `stream from ${call.route}.${method.name} lost chunk ${expected}`);
        }
        expected++;
        if (get(CallHeader.eos) === '1') {
          ended = true;
          const failure = fromNatsErrorHeaders(get);
          if (failure) throw failure;
          return;
        }
        yield fromBinary(method.output, msg.data) as Message;
      }
      if (call.signal?.aborted) throw new RpcError(Code.CANCELLED, 'the caller cancelled');
      if (!this.#bus.isConnected()) throw new RpcError(Code.UNAVAILABLE, 'message bus unavailable');
      throw new RpcError(Code.DEADLINE_EXCEEDED, `deadline exceeded waiting for ${call.route}.${method.name}`);
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
      if (!ended) sub.unsubscribe();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertUsable(call: OutgoingCall): void {
    if (this.#closed) throw new TransportClosedError('nats');
    if (!this.#bus.isConnected()) {
      throw new RpcError(Code.UNAVAILABLE, `message bus unavailable; cannot reach ${call.route}`);
    }
  }

  #mapRequestError(err: unknown, route: string, method: string): RpcError {
    if (err instanceof RpcError) return err;
    const e = err as Error;
    if (e instanceof NoRespondersError || (e instanceof RequestError && e.isNoResponders?.())) {
      return new RpcError(Code.UNAVAILABLE, `no ${route} replica is serving`, { cause: err });
    }
    if (e instanceof TimeoutError || (e instanceof RequestError && e.cause instanceof TimeoutError)) {
      return this.#bus.isConnected()
        ? new RpcError(Code.DEADLINE_EXCEEDED, `deadline exceeded waiting for ${route}.${method}`, { cause: err })
        : new RpcError(Code.UNAVAILABLE, `message bus unavailable; ${route}.${method} got no answer`, { cause: err });
    }
    if (e instanceof natsErrors.ClosedConnectionError || e instanceof natsErrors.DrainingConnectionError) {
      return new RpcError(Code.UNAVAILABLE, 'message bus connection closed', { cause: err });
    }
    return new RpcError(Code.UNAVAILABLE, `message bus error calling ${route}.${method}`, { cause: err });
  }
}

function requestHeaders(call: OutgoingCall, timeoutMs: number): MsgHdrs {
  const h = natsHeaders();
  h.set(CallHeader.requestId, call.requestId);
  h.set(CallHeader.timeoutMs, String(Math.max(1, Math.floor(timeoutMs))));
  if (call.caller) h.set(CallHeader.caller, call.caller);
  for (const [k, v] of Object.entries(call.traceCarrier)) h.set(k, v);
  return h;
}

function headerGetter(h: MsgHdrs): (name: string) => string {
  return (name) => h.get(name);
}

function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new RpcError(Code.CANCELLED, 'the caller cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new RpcError(Code.CANCELLED, 'the caller cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
