// daytona backend (issue #7 item 6): one Daytona sandbox per session, created on first use and
// reused by every later run of the session, deleted on EndSession/cleanup. Each run gets its own
// toolbox process session, so killing a run (timeout, cancel) is deleting that process session,
// which ends its shell and the command with it; the sandbox stays for the session's next run.
// Output is collected (the toolbox answers once the command has exited) and then streamed to the
// worker's redacting pump; stdin is not offered by the toolbox's exec call and is refused.
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Code, RpcError } from '@hermes/rpc';
import { InvalidRunInputError } from '../../errors.ts';
import type {
  BackendSession,
  ExecSpec,
  ExecutionBackend,
  ExitStatus,
  RunningCommand,
  SessionRef,
} from '../../ports/execution-backend.ts';
import { buildCommandEnv } from '../../sanitize/env-policy.ts';
import type { DaytonaApi, DaytonaCreateSandbox } from './daytona-api.ts';
import { daytonaCommand } from './daytona-command.ts';

/** The sandbox user's home; sessions work below it. */
export const DAYTONA_HOME = '/home/daytona';
export const DAYTONA_ROOT = '/home/daytona/workspace';

export interface DaytonaBackendOptions {
  readonly api: DaytonaApi;
  /** Session root inside the sandbox. Default `/home/daytona/workspace`. */
  readonly root?: string;
  readonly network: boolean;
  /** Snapshot to create sandboxes from; Daytona's default when unset. */
  readonly snapshot?: string;
  /** Labels every sandbox carries (ownership, like the docker backend's labels). */
  readonly labels: Readonly<Record<string, string>>;
  /** Minutes; matches the worker's 30 min idle end so an abandoned sandbox stops on its own. */
  readonly autoStopMinutes?: number;
  /** How long a sandbox may take to reach `started`. Default 120 s. */
  readonly startTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly clock: () => number;
}

interface DaytonaSession extends BackendSession {
  readonly sandboxId: string;
}

export class DaytonaBackend implements ExecutionBackend {
  readonly name = 'daytona' as const;
  readonly images: readonly string[];
  readonly #o: DaytonaBackendOptions;
  readonly #root: string;

  constructor(options: DaytonaBackendOptions) {
    this.#o = options;
    this.#root = options.root ?? DAYTONA_ROOT;
    this.images = [options.snapshot ?? 'daytona:default'];
  }

  rootFor(): string {
    return this.#root;
  }

  /** The create body for a session (pure; unit-tested). */
  createBody(ref: SessionRef): DaytonaCreateSandbox {
    return {
      labels: { ...this.#o.labels, 'hermes.session': ref.sessionId, 'hermes.task': ref.taskKey },
      networkBlockAll: !this.#o.network,
      autoStopInterval: this.#o.autoStopMinutes ?? 30,
      ...(this.#o.snapshot ? { snapshot: this.#o.snapshot } : {}),
    };
  }

  async openSession(ref: SessionRef, signal: AbortSignal): Promise<BackendSession> {
    const api = this.#o.api;
    const created = await api.createSandbox(this.createBody(ref), signal);
    try {
      await this.#waitStarted(created.id, created.state, signal);
    } catch (e) {
      await api.deleteSandbox(created.id).catch(() => {});
      throw e;
    }
    const session: DaytonaSession = {
      sessionId: ref.sessionId,
      taskKey: ref.taskKey,
      root: this.#root,
      workspace: `daytona:${created.id}:${this.#root}`,
      persistent: false,
      createdAt: this.#o.clock(),
      sandboxId: created.id,
    };
    return session;
  }

  async #waitStarted(id: string, first: string | undefined, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + (this.#o.startTimeoutMs ?? 120_000);
    let state = first;
    while (state !== 'started') {
      if (state === 'error' || state === 'build_failed' || state === 'destroyed') {
        throw new RpcError(Code.UNAVAILABLE, `daytona: sandbox ${id} did not start (state ${state})`);
      }
      if (Date.now() > deadline) {
        throw new RpcError(Code.UNAVAILABLE, `daytona: sandbox ${id} not started within the start timeout`);
      }
      await delay(this.#o.pollIntervalMs ?? 500, signal);
      state = (await this.#o.api.getSandbox(id, signal)).state;
    }
  }

  async exec(session: BackendSession, spec: ExecSpec, signal: AbortSignal): Promise<RunningCommand> {
    if (spec.stdin !== undefined && spec.stdin.length > 0) {
      throw new InvalidRunInputError('stdin', 'not supported by the daytona backend (its exec call has no stdin)');
    }
    const s = session as DaytonaSession;
    const api = this.#o.api;
    const env = buildCommandEnv({
      hostEnv: { LANG: 'C.UTF-8' },
      home: DAYTONA_HOME,
      tmpdir: '/tmp',
      requested: spec.env,
    });
    const command = daytonaCommand({ argv: spec.argv, cwd: spec.cwd, root: this.#root, env });
    const processSession = `hermes-${randomUUID()}`;
    await api.createSession(s.sandboxId, processSession, signal);

    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const call = new AbortController();
    let killed = false;
    let done = false;
    const finish = () => {
      done = true;
      stdout.end();
      stderr.end();
      void api.deleteSession(s.sandboxId, processSession).catch(() => {});
    };
    const exit = api.execSync(s.sandboxId, processSession, command, call.signal).then(
      (r): ExitStatus => {
        if (killed) return { exitCode: null, signal: 'SIGKILL' };
        const out = r.stdout ?? (r.stderr == null ? r.output : undefined) ?? '';
        if (out) stdout.write(out);
        if (r.stderr) stderr.write(r.stderr);
        finish();
        return { exitCode: typeof r.exitCode === 'number' ? r.exitCode : null, signal: null };
      },
      (e: unknown): ExitStatus => {
        finish();
        if (killed) return { exitCode: null, signal: 'SIGKILL' };
        // Lost mid-run: the caller gets the error, the command is never re-sent (at most once).
        throw e instanceof RpcError
          ? e
          : new RpcError(Code.UNAVAILABLE, 'daytona: run command: lost the API mid-run', { cause: e });
      },
    );
    exit.catch(() => {});
    return {
      stdout,
      stderr,
      exit,
      kill: async () => {
        if (done || killed) return;
        killed = true;
        // Deleting the process session ends its shell and the command's process group in the sandbox.
        await api.deleteSession(s.sandboxId, processSession).catch(() => {});
        call.abort();
      },
    };
  }

  async closeSession(session: BackendSession): Promise<void> {
    await this.#o.api.deleteSandbox((session as DaytonaSession).sandboxId);
  }

  warmCount(): number {
    return 0;
  }

  async close(): Promise<void> {}
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
