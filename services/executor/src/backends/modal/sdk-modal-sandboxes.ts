// ModalSandboxes over Modal's official JS SDK (`modal`, modal-labs/libmodal; Modal's API is gRPC and
// the SDK is its documented client). One ModalClient per worker, authenticated with the configured
// token pair; one app (`hermes-executor`, created if missing) owns every sandbox this worker makes.
// SDK and gRPC errors become RpcErrors here (issue #7 item 6): UNAUTHENTICATED / PERMISSION_DENIED
// for credentials, UNAVAILABLE for network and server trouble, INVALID_ARGUMENT for config
// problems (bad image, unknown environment); the token secret is never part of a message.
import { Code, RpcError } from '@hermes/rpc';
import { ModalClient, type ModalClientParams } from 'modal';
import type { ModalProcess, ModalSandbox, ModalSandboxes, ModalSandboxSpec } from './modal-sandboxes.ts';

export const MODAL_APP_NAME = 'hermes-executor';

/** The SDK surface this adapter uses (so a unit test can check config → calls without Modal). */
export interface ModalSdkClient {
  readonly apps: {
    fromName(name: string, params?: { environment?: string; createIfMissing?: boolean }): Promise<unknown>;
  };
  readonly images: { fromRegistry(tag: string): unknown };
  readonly sandboxes: {
    create(app: never, image: never, params?: Record<string, unknown>): Promise<SdkSandbox>;
  };
  close(): void;
}

interface SdkSandbox {
  readonly sandboxId: string;
  exec(
    argv: string[],
    params: { mode: 'binary'; stdout: 'pipe'; stderr: 'pipe'; workdir: string },
  ): Promise<SdkProcess>;
  terminate(): Promise<void>;
  setTags(tags: Record<string, string>): Promise<void>;
}

interface SdkProcess {
  readonly stdin: WritableStream<Uint8Array>;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  wait(): Promise<number>;
}

export interface SdkModalSandboxesOptions {
  readonly tokenId: string;
  readonly tokenSecret: string;
  readonly environment?: string;
  /** Modal's API endpoint; the SDK's default (api.modal.com) when unset. */
  readonly endpoint?: string;
  /** A pre-built client (tests); otherwise one is made from the options. */
  readonly client?: ModalSdkClient;
}

export function modalClientParams(o: SdkModalSandboxesOptions): ModalClientParams {
  return {
    tokenId: o.tokenId,
    tokenSecret: o.tokenSecret,
    ...(o.environment ? { environment: o.environment } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
  };
}

export class SdkModalSandboxes implements ModalSandboxes {
  readonly #client: ModalSdkClient;
  readonly #secret: string;
  readonly #environment: string | undefined;
  #app: Promise<unknown> | undefined;

  constructor(o: SdkModalSandboxesOptions) {
    this.#client = o.client ?? (new ModalClient(modalClientParams(o)) as unknown as ModalSdkClient);
    this.#secret = o.tokenSecret;
    this.#environment = o.environment;
  }

  async create(spec: ModalSandboxSpec): Promise<ModalSandbox> {
    const sb = await this.#call('create sandbox', async () => {
      this.#app ??= this.#client.apps
        .fromName(MODAL_APP_NAME, {
          createIfMissing: true,
          ...(this.#environment ? { environment: this.#environment } : {}),
        })
        .catch((e: unknown) => {
          this.#app = undefined;
          throw e;
        });
      const app = await this.#app;
      const image = this.#client.images.fromRegistry(spec.image);
      return this.#client.sandboxes.create(app as never, image as never, sandboxParams(spec));
    });
    // Ownership tags are for operators (listing, reaping by hand); a failure to set them is not a failed session.
    await sb.setTags({ ...spec.tags }).catch(() => {});
    return {
      id: sb.sandboxId,
      exec: (argv, options) =>
        this.#call('run command', async () => {
          const p = await sb.exec([...argv], {
            mode: 'binary',
            stdout: 'pipe',
            stderr: 'pipe',
            workdir: options.workdir,
          });
          return processOf(p);
        }),
      terminate: () => this.#call('terminate sandbox', () => sb.terminate()),
    };
  }

  close(): void {
    this.#client.close();
  }

  async #call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw modalRpcError(op, e, this.#secret);
    }
  }
}

/** SandboxCreateParams for a spec (pure; unit-tested). */
export function sandboxParams(spec: ModalSandboxSpec): Record<string, unknown> {
  return {
    cpu: spec.cpu,
    memoryMiB: spec.memoryMiB,
    timeoutMs: spec.timeoutMs,
    workdir: spec.workdir,
    blockNetwork: spec.blockNetwork,
    // The sandbox's main process just keeps it alive; commands come through exec.
    command: ['sleep', 'infinity'],
  };
}

function processOf(p: SdkProcess): ModalProcess {
  return {
    stdout: p.stdout,
    stderr: p.stderr,
    sendStdin: async (data) => {
      const w = p.stdin.getWriter();
      try {
        if (data.length > 0) await w.write(data);
        await w.close();
      } finally {
        w.releaseLock();
      }
    },
    wait: () => p.wait(),
  };
}

/** gRPC status numbers the SDK surfaces (nice-grpc ClientError.code) and its own error classes → our statuses. */
export function modalRpcError(op: string, e: unknown, secret: string): RpcError {
  if (e instanceof RpcError) return e;
  const err = e as { name?: string; code?: unknown; message?: string; details?: string };
  const name = err?.name ?? 'Error';
  const raw = String(err?.details ?? err?.message ?? e);
  const detail = raw.split(secret).join('[redacted]').replace(/\s+/g, ' ').trim().slice(0, 300);
  let code: Code = Code.UNAVAILABLE;
  if (typeof err?.code === 'number') {
    const c = err.code;
    if (c === Code.UNAUTHENTICATED || c === Code.PERMISSION_DENIED || c === Code.RESOURCE_EXHAUSTED) code = c as Code;
    else if (
      c === Code.INVALID_ARGUMENT ||
      c === Code.NOT_FOUND ||
      c === Code.FAILED_PRECONDITION ||
      c === Code.ALREADY_EXISTS ||
      c === Code.OUT_OF_RANGE
    )
      code = Code.INVALID_ARGUMENT;
  } else if (
    name === 'InvalidError' ||
    name === 'NotFoundError' ||
    name === 'AlreadyExistsError' ||
    name === 'ConflictError'
  ) {
    code = Code.INVALID_ARGUMENT;
  } else if (name === 'ResourceExhaustedError') {
    code = Code.RESOURCE_EXHAUSTED;
  }
  return new RpcError(code, `modal: ${op} failed (${name}${detail ? `: ${detail}` : ''})`, { cause: e });
}
