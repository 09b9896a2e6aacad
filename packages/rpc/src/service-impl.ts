import type {
  DescMessage,
  DescMethod,
  DescMethodServerStreaming,
  DescMethodUnary,
  DescService,
  MessageInitShape,
  MessageShape,
} from '@bufbuild/protobuf';
import type { HandlerContext } from './call-context.ts';
import type { Code } from './status-code.ts';

type UnaryImpl<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  ctx: HandlerContext,
) => Promise<MessageInitShape<O>> | MessageInitShape<O>;

type ServerStreamingImpl<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  ctx: HandlerContext,
) => AsyncIterable<MessageInitShape<O>>;

export type MethodImpl<M extends DescMethod> =
  M extends DescMethodUnary<infer I, infer O>
    ? UnaryImpl<I, O>
    : M extends DescMethodServerStreaming<infer I, infer O>
      ? ServerStreamingImpl<I, O>
      : never;

/**
 * A service's handlers, typed from its generated descriptor. Written once, served in-process, over
 * NATS and over gRPC. Only unary and server-streaming methods cross NATS; client and bidi streaming
 * stay gRPC-only (health Watch and reflection are written against grpc-js directly).
 */
export type ServiceImpl<S extends DescService> = {
  [K in keyof S['method']]: MethodImpl<S['method'][K]>;
};

/** A service ready to be served: its descriptor, handlers and the deployable name used in subjects. */
export interface ServiceRegistration<S extends DescService = DescService> {
  readonly desc: S;
  readonly impl: ServiceImpl<S>;
  /** Deployable name (authz, executor, ...). Defaults to the second segment of the proto package. */
  readonly name: string;
  /** NATS subject prefix; defaults to `hermes.v1.<name>`. Executor workers use `hermes.v1.executor.<backend>`. */
  readonly subjectPrefix: string;
  /** Largest request accepted, in bytes. */
  readonly maxMessageBytes: number;
  /** Told of every finished call (metrics). Must not throw or block. */
  readonly observer?: CallObserver | undefined;
}

/** Receives method name, final status code and duration of each served call. */
export type CallObserver = (method: string, code: Code, durationMs: number) => void;

export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Builds a registration, checking that every method of the descriptor has a handler. */
export function defineService<S extends DescService>(
  desc: S,
  impl: ServiceImpl<S>,
  options: { name?: string; subjectPrefix?: string; maxMessageBytes?: number; observer?: CallObserver } = {},
): ServiceRegistration<S> {
  for (const m of desc.methods) {
    if (typeof (impl as Record<string, unknown>)[m.localName] !== 'function') {
      throw new TypeError(`service ${desc.typeName} has no handler for ${m.name}`);
    }
    if (m.methodKind === 'client_streaming' || m.methodKind === 'bidi_streaming') {
      throw new TypeError(
        `${desc.typeName}.${m.name}: ${m.methodKind} methods are not supported by the Hermes runtime`,
      );
    }
  }
  const name = options.name ?? serviceNameOf(desc);
  return {
    desc,
    impl,
    name,
    subjectPrefix: options.subjectPrefix ?? `hermes.v1.${name}`,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    observer: options.observer,
  };
}

/** `hermes.authz.v1.AuthzService` → `authz`. */
export function serviceNameOf(desc: DescService): string {
  const parts = desc.typeName.split('.');
  const name = parts[0] === 'hermes' && parts.length >= 4 ? parts[1] : undefined;
  if (!name) throw new TypeError(`cannot derive a service name from ${desc.typeName}; pass one explicitly`);
  return name;
}
