import {
  type DescMethodServerStreaming,
  type DescMethodUnary,
  type DescService,
  fromBinary,
  type Message,
} from '@bufbuild/protobuf';
import {
  status as grpcStatus,
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceError,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { healthv1 } from '@hermes/proto';
import { DEFAULT_TIMEOUT_MS } from './call-context.ts';
import { Dispatcher, type IncomingCall } from './dispatcher.ts';
import { RpcError } from './errors.ts';
import { grpcServiceDefinition } from './grpc-adapter.ts';
import { type HealthRegistry, ServingStatus } from './health.ts';
import type { RpcLogger } from './logger.ts';
import { ReflectionIndex, reflectionServices } from './reflection.ts';
import { toRpcError } from './rpc-status.ts';
import type { ServiceRegistration } from './service-impl.ts';
import { Code } from './status-code.ts';
import { CallHeader } from './transport.ts';

export interface GrpcServing {
  readonly port: number;
  readonly address: string;
  /** Graceful stop: refuse new calls, let in-flight ones finish, force after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServeGrpcOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly registrations: readonly ServiceRegistration[];
  readonly health: HealthRegistry;
  readonly logger: RpcLogger;
  /** Largest request any registered service accepts (grpc-js rejects bigger ones with RESOURCE_EXHAUSTED). */
  readonly maxMessageBytes?: number;
}

/** Serves registrations over gRPC with grpc.health.v1 and server reflection. */
export async function serveGrpc(options: ServeGrpcOptions): Promise<GrpcServing> {
  const maxBytes = options.maxMessageBytes ?? Math.max(...options.registrations.map((r) => r.maxMessageBytes), 1);
  const server = new Server({
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.keepalive_permit_without_calls': 1,
  });
  const dispatchers: Dispatcher[] = [];
  for (const reg of options.registrations) {
    const d = new Dispatcher(reg, options.logger);
    dispatchers.push(d);
    server.addService(
      grpcServiceDefinition(reg.desc),
      handlersFor(d, options.logger.child({ transport: 'grpc' })) as UntypedServiceImplementation,
    );
    options.health.set(reg.desc.typeName, options.health.get(reg.desc.typeName) ?? ServingStatus.NOT_SERVING);
  }
  addHealth(server, options.health);
  const descs: DescService[] = [...options.registrations.map((r) => r.desc), healthv1.Health as unknown as DescService];
  for (const { def, impl } of reflectionServices(new ReflectionIndex(descs))) server.addService(def, impl as never);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  const address = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  return {
    port,
    address,
    stop: (graceMs = 5_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          for (const d of dispatchers) d.abortAll('server shutting down');
          server.forceShutdown();
          resolve();
        }, graceMs);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

function incomingFrom(call: { metadata: Metadata; getDeadline(): Date | number }, signal: AbortSignal): IncomingCall {
  const md = call.metadata;
  const str = (k: string): string | undefined => {
    const v = md.get(k)[0];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const dl = call.getDeadline();
  const deadlineMs = dl instanceof Date ? dl.getTime() : dl;
  const traceparent = str(CallHeader.traceparent);
  const tracestate = str(CallHeader.tracestate);
  return {
    requestId: str(CallHeader.requestId),
    caller: str(CallHeader.caller),
    deadline: Number.isFinite(deadlineMs) ? deadlineMs : Date.now() + DEFAULT_TIMEOUT_MS,
    traceCarrier: traceparent ? { traceparent, ...(tracestate ? { tracestate } : {}) } : undefined,
    callerSignal: signal,
  };
}

function handlersFor(d: Dispatcher, log: RpcLogger): Record<string, unknown> {
  const handlers: Record<string, unknown> = {};
  for (const m of d.registration.desc.methods) {
    const decode = (buf: Buffer): Message => {
      try {
        return fromBinary(m.input, buf) as Message;
      } catch {
        throw new RpcError(Code.INVALID_ARGUMENT, `malformed protobuf payload: expected ${m.input.typeName}`);
      }
    };
    if (m.methodKind === 'unary') {
      handlers[m.localName] = (call: ServerUnaryCall<Buffer, Message>, callback: sendUnaryData<Message>) => {
        const ac = new AbortController();
        call.on('cancelled', () => ac.abort());
        (async () => {
          const req = decode(call.request);
          return d.unary(m as DescMethodUnary, req, incomingFrom(call, ac.signal));
        })().then(
          (out) => callback(null, out),
          (err) => {
            const e = toRpcError(err);
            if (e.code === Code.INVALID_ARGUMENT) log.warn({ method: m.name, status: e.codeName }, 'request rejected');
            callback(toServiceError(e));
          },
        );
      };
    } else if (m.methodKind === 'server_streaming') {
      handlers[m.localName] = (call: ServerWritableStream<Buffer, Message>) => {
        const ac = new AbortController();
        call.on('cancelled', () => ac.abort());
        (async () => {
          const req = decode(call.request);
          for await (const out of d.serverStream(m as DescMethodServerStreaming, req, incomingFrom(call, ac.signal))) {
            if (ac.signal.aborted) return;
            // Back-pressure: wait for the socket to drain before producing more.
            if (!call.write(out)) await new Promise<void>((r) => call.once('drain', r));
          }
        })().then(
          () => call.end(),
          (err) => call.emit('error', toServiceError(toRpcError(err))),
        );
      };
    }
  }
  return handlers;
}

function toServiceError(e: RpcError): Partial<ServiceError> {
  return { code: e.code as unknown as grpcStatus, details: e.message, metadata: new Metadata() };
}

function addHealth(server: Server, health: HealthRegistry): void {
  const desc = healthv1.Health as unknown as DescService;
  const req = (b: Buffer) => fromBinary(healthv1.HealthCheckRequestSchema, b);
  const res = (status: ServingStatus) => ({ $typeName: 'grpc.health.v1.HealthCheckResponse', status }) as Message;
  server.addService(grpcServiceDefinition(desc), {
    check: (call: ServerUnaryCall<Buffer, Message>, cb: sendUnaryData<Message>) => {
      let service: string;
      try {
        service = req(call.request).service;
      } catch {
        return cb({ code: grpcStatus.INVALID_ARGUMENT, details: 'malformed health check request' });
      }
      const s = health.get(service);
      if (s === undefined) return cb({ code: grpcStatus.NOT_FOUND, details: `unknown service ${service}` });
      cb(null, res(s));
    },
    list: (_call: ServerUnaryCall<Buffer, Message>, cb: sendUnaryData<Message>) => {
      const statuses: Record<string, Message> = {};
      for (const [k, v] of health.entries()) statuses[k] = res(v);
      cb(null, { $typeName: 'grpc.health.v1.HealthListResponse', statuses } as Message);
    },
    watch: (call: ServerWritableStream<Buffer, Message>) => {
      let service = '';
      try {
        service = req(call.request).service;
      } catch {
        call.emit('error', { code: grpcStatus.INVALID_ARGUMENT, details: 'malformed health check request' });
        return;
      }
      call.write(res(health.get(service) ?? ServingStatus.SERVICE_UNKNOWN));
      const off = health.watch(service, (s) => call.write(res(s)));
      call.on('cancelled', off);
      call.on('close', off);
    },
  });
}
