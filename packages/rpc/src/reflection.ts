import { create, type DescFile, type DescService, fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type { ServerDuplexStream, ServiceDefinition } from '@grpc/grpc-js';
import { reflectionv1, reflectionv1alpha } from '@hermes/proto';
import { grpcServiceDefinition } from './grpc-adapter.ts';
import { Code } from './status-code.ts';

type ReflectionPkg = typeof reflectionv1 | typeof reflectionv1alpha;
type Req = reflectionv1.ServerReflectionRequest;
type Res = reflectionv1.ServerReflectionResponse;

/**
 * gRPC server reflection (v1 and v1alpha) answered from the generated descriptors, so grpcurl and
 * similar tools can list and call every service without a copy of the protos.
 */
export class ReflectionIndex {
  readonly #services: string[];
  readonly #files = new Map<string, DescFile>();
  readonly #symbols = new Map<string, DescFile>();

  constructor(services: readonly DescService[]) {
    this.#services = services.map((s) => s.typeName).sort();
    for (const s of services) this.#addFile(s.file);
  }

  #addFile(file: DescFile): void {
    if (this.#files.has(file.proto.name)) return;
    this.#files.set(file.proto.name, file);
    for (const s of file.services) {
      this.#symbols.set(s.typeName, file);
      for (const m of s.methods) this.#symbols.set(`${s.typeName}.${m.name}`, file);
    }
    const addMessages = (msgs: DescFile['messages']) => {
      for (const m of msgs) {
        this.#symbols.set(m.typeName, file);
        addMessages(m.nestedMessages);
        for (const e of m.nestedEnums) this.#symbols.set(e.typeName, file);
      }
    };
    addMessages(file.messages);
    for (const e of file.enums) this.#symbols.set(e.typeName, file);
    for (const d of file.dependencies) this.#addFile(d);
  }

  /** The file and its transitive dependencies, each serialised once. */
  #withDeps(file: DescFile): Uint8Array[] {
    const seen = new Set<string>();
    const out: Uint8Array[] = [];
    const visit = (f: DescFile) => {
      if (seen.has(f.proto.name)) return;
      seen.add(f.proto.name);
      out.push(toBinary(FileDescriptorProtoSchema, f.proto));
      for (const d of f.dependencies) visit(d);
    };
    visit(file);
    return out;
  }

  answer(pkg: ReflectionPkg, req: Req): Res {
    const base = { validHost: req.host, originalRequest: req };
    const notFound = (what: string) =>
      create(pkg.ServerReflectionResponseSchema as typeof reflectionv1.ServerReflectionResponseSchema, {
        ...base,
        messageResponse: {
          case: 'errorResponse',
          value: { errorCode: Code.NOT_FOUND, errorMessage: `${what} not found` },
        },
      });
    const files = (f: DescFile | undefined, what: string) =>
      f
        ? create(pkg.ServerReflectionResponseSchema as typeof reflectionv1.ServerReflectionResponseSchema, {
            ...base,
            messageResponse: { case: 'fileDescriptorResponse', value: { fileDescriptorProto: this.#withDeps(f) } },
          })
        : notFound(what);
    const r = req.messageRequest;
    switch (r.case) {
      case 'listServices':
        return create(pkg.ServerReflectionResponseSchema as typeof reflectionv1.ServerReflectionResponseSchema, {
          ...base,
          messageResponse: {
            case: 'listServicesResponse',
            value: { service: this.#services.map((name) => ({ name })) },
          },
        });
      case 'fileByFilename':
        return files(this.#files.get(r.value), `file ${r.value}`);
      case 'fileContainingSymbol':
        return files(this.#symbols.get(r.value), `symbol ${r.value}`);
      case 'allExtensionNumbersOfType':
        return this.#symbols.has(r.value)
          ? create(pkg.ServerReflectionResponseSchema as typeof reflectionv1.ServerReflectionResponseSchema, {
              ...base,
              messageResponse: {
                case: 'allExtensionNumbersResponse',
                value: { baseTypeName: r.value, extensionNumber: [] },
              },
            })
          : notFound(`type ${r.value}`);
      case 'fileContainingExtension':
        return notFound(`extension ${r.value.containingType}/${r.value.extensionNumber}`);
      default:
        return create(pkg.ServerReflectionResponseSchema as typeof reflectionv1.ServerReflectionResponseSchema, {
          ...base,
          messageResponse: {
            case: 'errorResponse',
            value: { errorCode: Code.INVALID_ARGUMENT, errorMessage: 'empty request' },
          },
        });
    }
  }
}

/** grpc-js definitions and bidi handlers for both reflection versions. */
export function reflectionServices(
  index: ReflectionIndex,
): Array<{ def: ServiceDefinition; impl: Record<string, unknown> }> {
  return [reflectionv1, reflectionv1alpha].map((pkg) => {
    const desc = pkg.ServerReflection as unknown as DescService;
    const def = grpcServiceDefinition(desc);
    const impl = {
      serverReflectionInfo: (call: ServerDuplexStream<Buffer, unknown>) => {
        call.on('data', (buf: Buffer) => {
          try {
            const req = fromBinary(
              pkg.ServerReflectionRequestSchema as typeof reflectionv1.ServerReflectionRequestSchema,
              buf,
            );
            call.write(index.answer(pkg, req));
          } catch {
            call.emit('error', { code: Code.INVALID_ARGUMENT, details: 'malformed reflection request' });
          }
        });
        call.on('end', () => call.end());
        call.on('error', () => {});
      },
    };
    return { def, impl };
  });
}
