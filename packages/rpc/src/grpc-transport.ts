import {
  type DescMethodServerStreaming,
  type DescMethodUnary,
  fromBinary,
  type Message,
  toBinary,
} from '@bufbuild/protobuf';
import { Client, type ClientReadableStream, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { RpcError, TransportClosedError } from './errors.ts';
import { grpcPath } from './grpc-adapter.ts';
import { Code, parseCode } from './status-code.ts';
import { CallHeader, type OutgoingCall, type Transport } from './transport.ts';

/** Calls one gRPC endpoint (one service host). Used by the CLI, operators' tools and tests. */
export class GrpcTransport implements Transport {
  readonly kind = 'grpc' as const;
  readonly #client: Client;
  readonly #address: string;
  #closed = false;

  constructor(address: string, options: { maxReceiveBytes?: number } = {}) {
    this.#address = address;
    this.#client = new Client(address, credentials.createInsecure(), {
      'grpc.max_receive_message_length': options.maxReceiveBytes ?? 64 * 1024 * 1024,
    });
  }

  unary(method: DescMethodUnary, request: Message, call: OutgoingCall): Promise<Message> {
    if (this.#closed) return Promise.reject(new TransportClosedError('grpc'));
    return new Promise<Message>((resolve, reject) => {
      const c = this.#client.makeUnaryRequest(
        grpcPath(call.service, method),
        (m: Message) => Buffer.from(toBinary(method.input, m)),
        (b: Buffer) => fromBinary(method.output, b) as Message,
        request,
        metadataFor(call),
        { deadline: call.deadline },
        (err, value) => (err ? reject(this.#fromServiceError(err)) : resolve(value as Message)),
      );
      call.signal?.addEventListener('abort', () => c.cancel(), { once: true });
    });
  }

  async *serverStream(
    method: DescMethodServerStreaming,
    request: Message,
    call: OutgoingCall,
  ): AsyncGenerator<Message> {
    if (this.#closed) throw new TransportClosedError('grpc');
    const stream: ClientReadableStream<Message> = this.#client.makeServerStreamRequest(
      grpcPath(call.service, method),
      (m: Message) => Buffer.from(toBinary(method.input, m)),
      (b: Buffer) => fromBinary(method.output, b) as Message,
      request,
      metadataFor(call),
      { deadline: call.deadline },
    );
    const onAbort = () => stream.cancel();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    let done = false;
    try {
      for await (const msg of stream) yield msg as Message;
      done = true;
    } catch (err) {
      throw this.#fromServiceError(err as ServiceError);
    } finally {
      call.signal?.removeEventListener('abort', onAbort);
      if (!done) stream.cancel();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#client.close();
  }

  #fromServiceError(err: ServiceError): RpcError {
    const code = parseCode(err.code);
    if (code === Code.UNAVAILABLE && /ECONNREFUSED|No connection established|connect/i.test(err.details ?? '')) {
      return new RpcError(code, `cannot reach ${this.#address}: is the service running?`, { cause: err });
    }
    return new RpcError(code, err.details || err.message, { cause: err });
  }
}

function metadataFor(call: OutgoingCall): Metadata {
  const md = new Metadata();
  md.set(CallHeader.requestId, call.requestId);
  if (call.caller) md.set(CallHeader.caller, call.caller);
  for (const [k, v] of Object.entries(call.traceCarrier)) md.set(k, v);
  return md;
}
