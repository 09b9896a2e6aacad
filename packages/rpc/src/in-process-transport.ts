import type { DescMethodServerStreaming, DescMethodUnary, Message } from '@bufbuild/protobuf';
import { Dispatcher, type IncomingCall } from './dispatcher.ts';
import { RpcError, TransportClosedError } from './errors.ts';
import { type RpcLogger, silentLogger } from './logger.ts';
import type { ServiceRegistration } from './service-impl.ts';
import { Code } from './status-code.ts';
import type { OutgoingCall, Transport } from './transport.ts';

/**
 * The embedded-mode bus: services registered here are called directly, with the same dispatcher
 * (context, deadline, error mapping) as over NATS and gRPC, but without serialisation.
 */
export class InProcessBus implements Transport {
  readonly kind = 'in-process' as const;
  readonly #routes = new Map<string, Dispatcher>();
  readonly #logger: RpcLogger;
  #closed = false;

  constructor(options: { logger?: RpcLogger } = {}) {
    this.#logger = options.logger ?? silentLogger;
  }

  register(registration: ServiceRegistration): () => void {
    if (this.#routes.has(registration.subjectPrefix)) {
      throw new TypeError(`a service is already registered at ${registration.subjectPrefix}`);
    }
    const d = new Dispatcher(registration, this.#logger);
    this.#routes.set(registration.subjectPrefix, d);
    return () => {
      if (this.#routes.get(registration.subjectPrefix) === d) {
        d.abortAll('service stopped');
        this.#routes.delete(registration.subjectPrefix);
      }
    };
  }

  unary(method: DescMethodUnary, request: Message, call: OutgoingCall): Promise<Message> {
    try {
      return this.#dispatcher(call, method.name).unary(method, request, incoming(call));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async *serverStream(
    method: DescMethodServerStreaming,
    request: Message,
    call: OutgoingCall,
  ): AsyncGenerator<Message> {
    const d = this.#dispatcher(call, method.name);
    yield* d.serverStream(method, request, incoming(call));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const d of this.#routes.values()) d.abortAll('bus closed');
    this.#routes.clear();
  }

  #dispatcher(call: OutgoingCall, method: string): Dispatcher {
    if (this.#closed) throw new TransportClosedError('in-process');
    const d = this.#routes.get(call.route);
    if (!d) throw new RpcError(Code.UNAVAILABLE, `no service is serving ${call.route}`);
    if (d.registration.desc.typeName !== call.service.typeName || !d.method(method)) {
      throw new RpcError(Code.UNIMPLEMENTED, `${call.route} does not implement ${call.service.typeName}/${method}`);
    }
    return d;
  }
}

function incoming(call: OutgoingCall): IncomingCall {
  return { requestId: call.requestId, caller: call.caller, deadline: call.deadline, callerSignal: call.signal };
}
