import type { DescMethodServerStreaming, DescMethodUnary, DescService, Message } from '@bufbuild/protobuf';

/** Everything a transport needs to place one call. Built by the client from CallOptions and the parent call. */
export interface OutgoingCall {
  /** Routing key: the NATS subject prefix (`hermes.v1.<service>[.<shard>]`). */
  readonly route: string;
  readonly service: DescService;
  readonly requestId: string;
  readonly caller: string | undefined;
  /** Absolute deadline, epoch ms. */
  readonly deadline: number;
  /** W3C trace-context headers of the active span. */
  readonly traceCarrier: Record<string, string>;
  readonly signal: AbortSignal | undefined;
}

/** One way of carrying calls: in-process, NATS or gRPC. All three give callers the same results and errors. */
export interface Transport {
  readonly kind: 'in-process' | 'nats' | 'grpc';
  unary(method: DescMethodUnary, request: Message, call: OutgoingCall): Promise<Message>;
  serverStream(method: DescMethodServerStreaming, request: Message, call: OutgoingCall): AsyncIterable<Message>;
  close(): Promise<void>;
}

/** Header names used by NATS and gRPC metadata alike (gRPC lower-cases them). */
export const CallHeader = {
  requestId: 'hermes-request-id',
  caller: 'hermes-caller',
  /** Milliseconds left when the caller sent the request (relative, as gRPC's grpc-timeout, so clock skew does not matter). */
  timeoutMs: 'hermes-timeout-ms',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** Server streaming over NATS: sequence number of a chunk, and end of stream. */
  seq: 'hermes-seq',
  eos: 'hermes-eos',
} as const;
