// modal backend (issue #7 item 6): one Modal sandbox per session (image `terminal.docker_image`,
// container_cpu / container_memory, network blocked unless `terminal.docker_network`), created on
// first use, reused by the session's later runs, terminated on EndSession/cleanup. A run is a
// sandbox exec of `/bin/sh -c <script>` (see sandboxScript): the script enters the cwd, records
// its pid in the session's run directory and `exec`s `env -i VARS argv…`, so the command sees
// exactly the explicit env and keeps that pid. Modal's exec API has no kill, so a timeout/cancel
// is a second exec that SIGKILLs the recorded pid's process group and the pid itself.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Code, RpcError } from '@hermes/rpc';
import type {
  BackendSession,
  ExecSpec,
  ExecutionBackend,
  ExitStatus,
  RunningCommand,
  SessionRef,
} from '../../ports/execution-backend.ts';
import { buildCommandEnv } from '../../sanitize/env-policy.ts';
import { sandboxScript } from '../daytona/daytona-command.ts';
import { shQuote } from '../ssh/remote-command.ts';
import type { ModalSandbox, ModalSandboxes, ModalSandboxSpec } from './modal-sandboxes.ts';

export const MODAL_ROOT = '/workspace';
export const MODAL_HOME = '/root';
/** Where run pid files live inside the sandbox (outside the workspace the agent sees). */
export const MODAL_RUN_DIR = '/tmp/.hermes-runs';

export interface ModalBackendOptions {
  readonly sandboxes: ModalSandboxes;
  readonly image: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly network: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** Lifetime of a session sandbox. Default 1 h (the longest run), sessions idle 30 min end first. */
  readonly sandboxTimeoutMs?: number;
  /** Session root inside the sandbox. Default `/workspace`. */
  readonly root?: string;
  /** Directory for pid files. Default `/tmp/.hermes-runs`. */
  readonly runDir?: string;
  readonly clock: () => number;
}

interface ModalSession extends BackendSession {
  readonly sandbox: ModalSandbox;
}

export class ModalBackend implements ExecutionBackend {
  readonly name = 'modal' as const;
  readonly images: readonly string[];
  readonly #o: ModalBackendOptions;
  readonly #root: string;
  readonly #runDir: string;

  constructor(options: ModalBackendOptions) {
    this.#o = options;
    this.#root = options.root ?? MODAL_ROOT;
    this.#runDir = options.runDir ?? MODAL_RUN_DIR;
    this.images = [options.image];
  }

  rootFor(): string {
    return this.#root;
  }

  /** The sandbox spec for a session (pure; unit-tested). */
  sandboxSpec(ref: SessionRef): ModalSandboxSpec {
    return {
      image: this.#o.image,
      cpu: this.#o.cpu,
      memoryMiB: this.#o.memoryMiB,
      timeoutMs: this.#o.sandboxTimeoutMs ?? 60 * 60_000,
      blockNetwork: !this.#o.network,
      workdir: this.#root,
      tags: { ...this.#o.tags, 'hermes.session': ref.sessionId, 'hermes.task': ref.taskKey },
    };
  }

  async openSession(ref: SessionRef): Promise<BackendSession> {
    const sandbox = await this.#o.sandboxes.create(this.sandboxSpec(ref));
    const session: ModalSession = {
      sessionId: ref.sessionId,
      taskKey: ref.taskKey,
      root: this.#root,
      workspace: `modal:${sandbox.id}:${this.#root}`,
      persistent: false,
      createdAt: this.#o.clock(),
      sandbox,
    };
    return session;
  }

  async exec(session: BackendSession, spec: ExecSpec): Promise<RunningCommand> {
    const { sandbox } = session as ModalSession;
    const env = buildCommandEnv({
      hostEnv: { LANG: 'C.UTF-8' },
      home: MODAL_HOME,
      tmpdir: '/tmp',
      requested: spec.env,
    });
    const pidFile = `${this.#runDir}/${randomUUID()}.pid`;
    const script = `mkdir -p -- ${shQuote(this.#runDir)}; ${sandboxScript({ argv: spec.argv, cwd: spec.cwd, root: this.#root, env, pidFile })}`;
    const proc = await sandbox.exec(['/bin/sh', '-c', script], { workdir: '/' });
    if (spec.stdin !== undefined && spec.stdin.length > 0) {
      void proc.sendStdin(spec.stdin).catch(() => {});
    } else {
      void proc.sendStdin(new Uint8Array()).catch(() => {});
    }
    let killed = false;
    let done = false;
    const exit = proc.wait().then(
      (code): ExitStatus => {
        done = true;
        void sandbox.exec(['/bin/sh', '-c', `rm -f -- ${shQuote(pidFile)}`], { workdir: '/' }).catch(() => {});
        if (killed) return { exitCode: null, signal: 'SIGKILL' };
        return { exitCode: code, signal: null };
      },
      (e: unknown): ExitStatus => {
        done = true;
        if (killed) return { exitCode: null, signal: 'SIGKILL' };
        // Lost mid-run: the caller gets the error, the command is never re-sent (at most once).
        throw e instanceof RpcError
          ? e
          : new RpcError(Code.UNAVAILABLE, 'modal: lost the sandbox mid-run', { cause: e });
      },
    );
    exit.catch(() => {});
    return {
      stdout: Readable.fromWeb(proc.stdout as WebReadableStream<Uint8Array>),
      stderr: Readable.fromWeb(proc.stderr as WebReadableStream<Uint8Array>),
      exit,
      kill: async () => {
        if (done || killed) return;
        killed = true;
        const f = shQuote(pidFile);
        // The pid leads its own process group when the exec starts a new session; kill both ways.
        const k = await sandbox
          .exec(
            [
              '/bin/sh',
              '-c',
              `for i in 1 2 3 4 5 6 7 8 9 10; do [ -s ${f} ] && break; sleep 0.1; done; p=$(cat ${f} 2>/dev/null) && { kill -9 -"$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; }; rm -f -- ${f}; true`,
            ],
            {
              workdir: '/',
            },
          )
          .catch(() => undefined);
        await k?.wait().catch(() => {});
      },
    };
  }

  async closeSession(session: BackendSession): Promise<void> {
    await (session as ModalSession).sandbox.terminate();
  }

  warmCount(): number {
    return 0;
  }

  async close(): Promise<void> {
    this.#o.sandboxes.close();
  }
}
