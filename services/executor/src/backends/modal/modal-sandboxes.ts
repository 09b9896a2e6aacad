// The port the modal backend drives (HOUSE_STYLE rule 7: only our own types cross it). The real
// adapter is `sdk-modal-sandboxes.ts` over Modal's official JS SDK (`modal` on npm, gRPC inside);
// tests drive the backend through `fake-modal` because Modal's cloud is not reachable here.

export interface ModalSandboxSpec {
  /** Registry image the sandbox runs (`terminal.docker_image`). */
  readonly image: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  /** Lifetime of the sandbox (Modal terminates it then, whatever we do). */
  readonly timeoutMs: number;
  /** Seed: network off unless `terminal.docker_network`. */
  readonly blockNetwork: boolean;
  readonly workdir: string;
  /** Ownership tags (profile, worker, session). */
  readonly tags: Readonly<Record<string, string>>;
}

export interface ModalProcess {
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  /** Writes all of `data` to the process' stdin and closes it. */
  sendStdin(data: Uint8Array): Promise<void>;
  /** Exit code once the process has exited. */
  wait(): Promise<number>;
}

export interface ModalSandbox {
  readonly id: string;
  exec(argv: readonly string[], options: { readonly workdir: string }): Promise<ModalProcess>;
  terminate(): Promise<void>;
}

export interface ModalSandboxes {
  create(spec: ModalSandboxSpec): Promise<ModalSandbox>;
  close(): void;
}
