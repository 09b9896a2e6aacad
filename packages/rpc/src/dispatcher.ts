import {
  create,
  type DescMethod,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  type Message,
} from '@bufbuild/protobuf';
import { type Context, context as otelContext, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { type HandlerContext, isValidToken, newRequestId, runInCall } from './call-context.ts';
import { RpcError } from './errors.ts';
import type { RpcLogger } from './logger.ts';
import { isUnexpected, toRpcError } from './rpc-status.ts';
import type { ServiceRegistration } from './service-impl.ts';
import { Code } from './status-code.ts';

/** What a transport learned about an incoming call before the handler runs. */
export interface IncomingCall {
  readonly requestId?: string | undefined;
  readonly caller?: string | undefined;
  /** Absolute deadline, epoch ms. */
  readonly deadline: number;
  /** W3C trace-context headers (`traceparent`, `tracestate`) when the call crossed a process boundary. */
  readonly traceCarrier?: Record<string, string> | undefined;
  /** Aborted when the caller goes away (gRPC cancel). */
  readonly callerSignal?: AbortSignal | undefined;
}

type AnyUnary = (req: Message, ctx: HandlerContext) => unknown;
type AnyStream = (req: Message, ctx: HandlerContext) => AsyncIterable<unknown>;

const tracer = trace.getTracer('@hermes/rpc');
const carrierGetter = {
  get: (c: Record<string, string>, k: string) => c[k],
  keys: (c: Record<string, string>) => Object.keys(c),
};

/**
 * Runs one service's handlers for any transport: builds the handler context, enforces the deadline,
 * opens the server span, maps every failure to an RpcError, and logs unexpected causes once.
 */
export class Dispatcher {
  readonly registration: ServiceRegistration;
  readonly #methods: Map<string, DescMethod>;
  readonly #logger: RpcLogger;
  readonly #shutdown = new AbortController();

  constructor(registration: ServiceRegistration, logger: RpcLogger) {
    this.registration = registration;
    // The logger is already the service's own (bound to its name by the host).
    this.#logger = logger;
    this.#methods = new Map(registration.desc.methods.map((m) => [m.name, m]));
  }

  method(name: string): DescMethod | undefined {
    return this.#methods.get(name);
  }

  /** Aborts every running handler's signal (server shutdown). */
  abortAll(reason: string): void {
    this.#shutdown.abort(new RpcError(Code.UNAVAILABLE, reason));
  }

  async unary(method: DescMethodUnary, request: Message, incoming: IncomingCall): Promise<Message> {
    const call = this.#begin(method, incoming);
    try {
      const impl = (this.registration.impl as unknown as Record<string, AnyUnary>)[method.localName]!;
      const pending = call.run(() => impl(request, call.ctx));
      const init = await call.race(pending);
      return create(method.output, init as never) as Message;
    } catch (err) {
      throw call.fail(err);
    } finally {
      call.end();
    }
  }

  async *serverStream(
    method: DescMethodServerStreaming,
    request: Message,
    incoming: IncomingCall,
  ): AsyncGenerator<Message> {
    const call = this.#begin(method, incoming);
    try {
      const impl = (this.registration.impl as unknown as Record<string, AnyStream>)[method.localName]!;
      const iterable = call.run(() => impl(request, call.ctx));
      const it = iterable[Symbol.asyncIterator]();
      try {
        while (true) {
          const next = await call.race(call.run(() => it.next()));
          if (next.done) return;
          yield create(method.output, next.value as never) as Message;
        }
      } finally {
        // Let the handler's generator run its own cleanup (close files, kill processes).
        await it.return?.(undefined)?.catch(() => {});
      }
    } catch (err) {
      throw call.fail(err);
    } finally {
      call.end();
    }
  }

  #begin(method: DescMethod, incoming: IncomingCall): ActiveCall {
    const requestId =
      incoming.requestId !== undefined && isValidToken(incoming.requestId) ? incoming.requestId : newRequestId();
    const caller = incoming.caller !== undefined && isValidToken(incoming.caller) ? incoming.caller : undefined;
    return new ActiveCall(this, method, requestId, caller, incoming, this.#logger, this.#shutdown.signal);
  }
}

class ActiveCall {
  readonly ctx: HandlerContext;
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #otel: Context;
  readonly #span;
  readonly #logger: RpcLogger;
  readonly #cleanups: Array<() => void> = [];
  #abortPromise: Promise<never> | undefined;
  #code: Code = Code.OK;
  readonly #started = performance.now();
  readonly #observer: ServiceRegistration['observer'];

  constructor(
    dispatcher: Dispatcher,
    method: DescMethod,
    requestId: string,
    caller: string | undefined,
    incoming: IncomingCall,
    logger: RpcLogger,
    shutdown: AbortSignal,
  ) {
    const service = dispatcher.registration.name;
    this.#observer = dispatcher.registration.observer;
    const parent = incoming.traceCarrier
      ? propagation.extract(ROOT_CONTEXT, incoming.traceCarrier, carrierGetter)
      : otelContext.active();
    this.#span = tracer.startSpan(
      `${dispatcher.registration.desc.typeName}/${method.name}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'rpc.system': 'hermes', 'rpc.service': service, 'rpc.method': method.name },
      },
      parent,
    );
    this.#otel = trace.setSpan(parent, this.#span);
    const sc = this.#span.spanContext();
    const traceId = sc.traceId !== '00000000000000000000000000000000' ? sc.traceId : undefined;

    const controller = this.#controller;
    const remaining = incoming.deadline - Date.now();
    if (remaining <= 0) {
      controller.abort(new RpcError(Code.DEADLINE_EXCEEDED, 'deadline exceeded before the call started'));
    } else {
      this.#timer = setTimeout(
        () => controller.abort(new RpcError(Code.DEADLINE_EXCEEDED, `deadline exceeded in ${service}.${method.name}`)),
        remaining,
      );
    }
    for (const s of [incoming.callerSignal, shutdown]) {
      if (!s) continue;
      if (s.aborted) controller.abort(s.reason);
      else {
        const onAbort = () => controller.abort(s.reason ?? new RpcError(Code.CANCELLED, 'the caller cancelled'));
        s.addEventListener('abort', onAbort, { once: true });
        this.#cleanups.push(() => s.removeEventListener('abort', onAbort));
      }
    }

    this.#logger = logger;
    let child: RpcLogger | undefined;
    const base = logger;
    const deadline = incoming.deadline;
    this.ctx = {
      service,
      method: method.name,
      requestId,
      caller,
      deadline,
      signal: controller.signal,
      traceId,
      get logger() {
        child ??= base.child({ method: method.name, requestId, ...(traceId ? { traceId } : {}) });
        return child;
      },
      remainingMs: () => Math.max(0, deadline - Date.now()),
    };
  }

  run<T>(fn: () => T): T {
    return otelContext.with(this.#otel, () => runInCall(this.ctx, fn));
  }

  /** Settles with the handler, or rejects as soon as the call is aborted (deadline, cancel, shutdown). */
  race<T>(p: T | Promise<T>): Promise<T> {
    const signal = this.#controller.signal;
    if (signal.aborted) return Promise.reject(toAbortError(signal.reason));
    this.#abortPromise ??= new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(toAbortError(signal.reason)), { once: true });
    });
    this.#abortPromise.catch(() => {});
    return Promise.race([p, this.#abortPromise]);
  }

  fail(err: unknown): RpcError {
    const rpcErr = toRpcError(err);
    this.#code = rpcErr.code;
    if (isUnexpected(err)) {
      this.#logger.error({ method: this.ctx.method, requestId: this.ctx.requestId, err }, 'handler failed');
    }
    this.#span.setStatus({ code: 2, message: rpcErr.codeName });
    return rpcErr;
  }

  end(): void {
    if (this.#timer) clearTimeout(this.#timer);
    for (const c of this.#cleanups) c();
    if (!this.#controller.signal.aborted) this.#controller.abort(new RpcError(Code.CANCELLED, 'call finished'));
    this.#span.end();
    this.#observer?.(this.ctx.method, this.#code, performance.now() - this.#started);
  }
}

function toAbortError(reason: unknown): RpcError {
  return reason instanceof RpcError ? reason : new RpcError(Code.CANCELLED, 'the call was cancelled');
}
