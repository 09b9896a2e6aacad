// The Agent API over gRPC (h2c on the listener's port): grpc-js with our descriptor-derived service
// definition; the key travels as `authorization: Bearer <key>` metadata (the gRPC convention).
import { fromBinary, type Message } from '@bufbuild/protobuf';
import {
  status as grpcStatus,
  type Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { gatewayv1 } from '@hermes/proto';
import { Code, grpcServiceDefinition, RpcError } from '@hermes/rpc';
import { context as otelContext, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { bearerToken } from '../api-keys/api-key-format.ts';
import { toGatewayRpcError } from '../rpc-errors.ts';
import type { FrontDoor } from './front-door.ts';

/** A call without a deadline may still wait for a human and then run for up to an hour. */
export const NO_DEADLINE_BUDGET_MS = 2 * 60 * 60 * 1000;

const getter = {
  get: (c: Record<string, string>, k: string) => c[k],
  keys: (c: Record<string, string>) => Object.keys(c),
};

function budget(call: { getDeadline(): Date | number }): number {
  const dl = call.getDeadline();
  const ms = dl instanceof Date ? dl.getTime() : dl;
  return Number.isFinite(ms) ? Math.max(1, ms - Date.now()) : NO_DEADLINE_BUDGET_MS;
}

function traceContext(md: Metadata) {
  const tp = md.get('traceparent')[0];
  if (typeof tp !== 'string') return otelContext.active();
  const ts = md.get('tracestate')[0];
  return propagation.extract(
    ROOT_CONTEXT,
    { traceparent: tp, ...(typeof ts === 'string' ? { tracestate: ts } : {}) },
    getter,
  );
}

function statusOf(err: unknown): { code: grpcStatus; details: string } {
  const e = toGatewayRpcError(err);
  if (e instanceof RpcError) return { code: e.code as unknown as grpcStatus, details: e.message };
  return { code: grpcStatus.INTERNAL, details: 'internal error' };
}

function keyOf(md: Metadata): string | undefined {
  const v = md.get('authorization')[0];
  return bearerToken(typeof v === 'string' ? v : undefined);
}

export function createAgentGrpcServer(door: FrontDoor, maxMessageBytes: number): Server {
  const server = new Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
  const handlers: Record<string, unknown> = {};
  for (const m of gatewayv1.AgentService.methods) {
    const decode = (b: Buffer): Message => {
      try {
        return fromBinary(m.input, b) as Message;
      } catch {
        throw new RpcError(Code.INVALID_ARGUMENT, `malformed protobuf payload: expected ${m.input.typeName}`);
      }
    };
    if (m.methodKind === 'unary') {
      handlers[m.localName] = (call: ServerUnaryCall<Buffer, Message>, cb: sendUnaryData<Message>) => {
        const ac = new AbortController();
        call.on('cancelled', () => ac.abort());
        (async () => {
          const admitted = await door.admit(keyOf(call.metadata), 'grpc');
          try {
            const req = decode(call.request);
            const fn = (admitted.client as unknown as Record<string, (r: Message, o: object) => Promise<Message>>)[
              m.localName
            ] as (r: Message, o: object) => Promise<Message>;
            return await otelContext.with(traceContext(call.metadata), () =>
              fn(req, { timeoutMs: budget(call), signal: ac.signal }),
            );
          } finally {
            admitted.release();
          }
        })().then(
          (out) => cb(null, out),
          (err) => cb(statusOf(err)),
        );
      };
    } else if (m.methodKind === 'server_streaming') {
      handlers[m.localName] = (call: ServerWritableStream<Buffer, Message>) => {
        const ac = new AbortController();
        call.on('cancelled', () => ac.abort());
        (async () => {
          const admitted = await door.admit(keyOf(call.metadata), 'grpc');
          try {
            const req = decode(call.request);
            const fn = (
              admitted.client as unknown as Record<string, (r: Message, o: object) => AsyncIterable<Message>>
            )[m.localName] as (r: Message, o: object) => AsyncIterable<Message>;
            const stream = otelContext.with(traceContext(call.metadata), () =>
              fn(req, { timeoutMs: budget(call), signal: ac.signal }),
            );
            for await (const out of stream) {
              if (ac.signal.aborted) return;
              if (!call.write(out)) await new Promise<void>((r) => call.once('drain', r));
            }
          } finally {
            admitted.release();
          }
        })().then(
          () => call.end(),
          (err) => call.emit('error', statusOf(err)),
        );
      };
    }
  }
  server.addService(grpcServiceDefinition(gatewayv1.AgentService), handlers as UntypedServiceImplementation);
  return server;
}

export function grpcInjector(server: Server) {
  return server.createConnectionInjector(ServerCredentials.createInsecure());
}
