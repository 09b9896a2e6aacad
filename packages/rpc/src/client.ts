import {
  create,
  type DescMessage,
  type DescMethod,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  type DescService,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import { context as otelContext, propagation } from '@opentelemetry/api';
import { currentCall, DEFAULT_TIMEOUT_MS, newRequestId } from './call-context.ts';
import { RpcError } from './errors.ts';
import { serviceNameOf } from './service-impl.ts';
import { Code } from './status-code.ts';
import type { OutgoingCall, Transport } from './transport.ts';

export interface CallOptions {
  /** Budget for this call; the effective deadline is never later than the parent call's. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly requestId?: string;
}

export interface ClientOptions {
  /** NATS subject prefix / in-process route; defaults to `hermes.v1.<service>`. */
  readonly route?: string;
  /** Identity this client states to the server (`hermes-caller`). */
  readonly caller?: string;
  readonly defaultTimeoutMs?: number;
}

type MethodClient<M extends DescMethod> =
  M extends DescMethodUnary<infer I, infer O>
    ? (request: MessageInitShape<I>, options?: CallOptions) => Promise<MessageShape<O>>
    : M extends DescMethodServerStreaming<infer I, infer O>
      ? (request: MessageInitShape<I>, options?: CallOptions) => AsyncIterable<MessageShape<O>>
      : never;

export type Client<S extends DescService> = {
  [K in keyof S['method']]: MethodClient<S['method'][K]>;
};

const setter = {
  set(c: Record<string, string>, k: string, v: string): void {
    c[k] = v;
  },
};

/** A typed client for a service over any transport. Deadline, request id, caller and trace context flow from the handler that calls it. */
export function createClient<S extends DescService>(
  desc: S,
  transport: Transport,
  options: ClientOptions = {},
): Client<S> {
  const route = options.route ?? `hermes.v1.${serviceNameOf(desc)}`;
  const defaultTimeout = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const outgoing = (opts: CallOptions | undefined): OutgoingCall => {
    const parent = currentCall();
    let deadline = Date.now() + (opts?.timeoutMs ?? defaultTimeout);
    if (parent && parent.deadline < deadline) deadline = parent.deadline;
    const traceCarrier: Record<string, string> = {};
    propagation.inject(otelContext.active(), traceCarrier, setter);
    return {
      route,
      service: desc,
      requestId: opts?.requestId ?? parent?.requestId ?? newRequestId(),
      caller: options.caller ?? parent?.service,
      deadline,
      traceCarrier,
      signal: opts?.signal,
    };
  };
  const client: Record<string, unknown> = {};
  for (const m of desc.methods) {
    if (m.methodKind === 'unary') {
      client[m.localName] = (req: MessageInitShape<DescMessage>, opts?: CallOptions) => {
        const call = outgoing(opts);
        if (call.deadline <= Date.now()) {
          return Promise.reject(new RpcError(Code.DEADLINE_EXCEEDED, `deadline exceeded before calling ${m.name}`));
        }
        return transport.unary(m as DescMethodUnary, create(m.input, req), call);
      };
    } else if (m.methodKind === 'server_streaming') {
      client[m.localName] = (req: MessageInitShape<DescMessage>, opts?: CallOptions) =>
        transport.serverStream(m as DescMethodServerStreaming, create(m.input, req), outgoing(opts));
    }
  }
  return client as Client<S>;
}
