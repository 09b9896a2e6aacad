import { type DescMethod, type DescService, fromBinary, type Message, toBinary } from '@bufbuild/protobuf';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/**
 * Descriptor → grpc-js service definition: the one small adapter between protobuf-es and grpc-js
 * (ARCHITECTURE "Contracts"). Requests stay raw Buffers here so a malformed payload becomes
 * INVALID_ARGUMENT in our dispatcher instead of grpc-js's generic INTERNAL.
 */
export function grpcServiceDefinition(desc: DescService): ServiceDefinition {
  const def: Record<string, MethodDefinition<Buffer, Message>> = {};
  for (const m of desc.methods) def[m.localName] = grpcMethodDefinition(desc, m);
  return def as ServiceDefinition;
}

export function grpcPath(desc: DescService, method: DescMethod): string {
  return `/${desc.typeName}/${method.name}`;
}

function grpcMethodDefinition(desc: DescService, m: DescMethod): MethodDefinition<Buffer, Message> {
  return {
    path: grpcPath(desc, m),
    requestStream: m.methodKind === 'client_streaming' || m.methodKind === 'bidi_streaming',
    responseStream: m.methodKind === 'server_streaming' || m.methodKind === 'bidi_streaming',
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (msg: Message) => Buffer.from(toBinary(m.output, msg)),
    responseDeserialize: (b: Buffer) => fromBinary(m.output, b) as Message,
    originalName: m.localName,
  };
}
