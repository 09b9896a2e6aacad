// vercel-sandbox backend (issue #7 item 6): one Vercel Sandbox microVM per session, created on
// first use, reused by the session's later runs, stopped (which discards it) on EndSession/cleanup.
// A run is an asynchronous sandbox command: its ND-JSON log stream feeds stdout/stderr as output
// comes (pausing the log read when the worker's pump pushes back), and a `wait=true` call returns
// its exit code. A timeout or cancel sends SIGKILL through the kill endpoint. stdin is not part of
// the command API and is refused.

import { once } from 'node:events';
import { PassThrough, Readable, type Writable } from 'node:stream';
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
import type { VercelCreateSandbox, VercelRunCommand, VercelSandboxApi } from './vercel-sandbox-api.ts';

/** The sandbox's working directory (Vercel's default cwd) and its user's home. */
export const VERCEL_ROOT = '/vercel/sandbox';
export const VERCEL_HOME = '/home/vercel-sandbox';

export interface VercelSandboxBackendOptions {
  readonly api: VercelSandboxApi;
  readonly projectId: string;
  /** Vercel runtime image (`node22`, `node24`, `python3.13`). Default `node22`. */
  readonly runtime?: string;
  readonly vcpus?: number;
  /** Lifetime of a session's microVM in ms. Default 45 min (Hobby's maximum); sessions idle 30 min end first. */
  readonly sandboxTimeoutMs?: number;
  readonly network: boolean;
  /** Session root inside the sandbox. Default `/vercel/sandbox`. */
  readonly root?: string;
  readonly startTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly clock: () => number;
}

interface VercelSession extends BackendSession {
  readonly sandboxId: string;
}

export class VercelSandboxBackend implements ExecutionBackend {
  readonly name = 'vercel-sandbox' as const;
  readonly images: readonly string[];
  readonly #o: VercelSandboxBackendOptions;
  readonly #root: string;

  constructor(options: VercelSandboxBackendOptions) {
    this.#o = options;
    this.#root = options.root ?? VERCEL_ROOT;
    this.images = [`vercel:${options.runtime ?? 'node22'}`];
  }

  rootFor(): string {
    return this.#root;
  }

  /** The create body (pure; unit-tested). */
  createBody(): VercelCreateSandbox {
    return {
      projectId: this.#o.projectId,
      runtime: this.#o.runtime ?? 'node22',
      timeout: this.#o.sandboxTimeoutMs ?? 45 * 60_000,
      resources: { vcpus: this.#o.vcpus ?? 2 },
      networkPolicy: { mode: this.#o.network ? 'allow-all' : 'deny-all' },
    };
  }

  /** The command body (pure; unit-tested): argv split into command/args, the explicit env only. */
  commandBody(spec: ExecSpec): VercelRunCommand {
    const env = buildCommandEnv({
      hostEnv: { LANG: 'C.UTF-8' },
      home: VERCEL_HOME,
      tmpdir: '/tmp',
      requested: spec.env,
    });
    // PATH comes from the sandbox image (its runtime's bin dirs); the worker's means nothing there.
    if (spec.env.PATH === undefined) delete env.PATH;
    const [command, ...args] = spec.argv;
    return { command: command ?? 'true', args, cwd: spec.cwd, env, sudo: false };
  }

  async openSession(ref: SessionRef, signal: AbortSignal): Promise<BackendSession> {
    const api = this.#o.api;
    const sb = await api.createSandbox(this.createBody(), signal);
    try {
      const deadline = Date.now() + (this.#o.startTimeoutMs ?? 120_000);
      let status = sb.status;
      while (status !== 'running') {
        if (status === 'failed' || status === 'stopped' || status === 'stopping') {
          throw new RpcError(Code.UNAVAILABLE, `vercel-sandbox: sandbox ${sb.id} did not start (status ${status})`);
        }
        if (Date.now() > deadline) {
          throw new RpcError(Code.UNAVAILABLE, `vercel-sandbox: sandbox ${sb.id} not running within the start timeout`);
        }
        await new Promise((r) => setTimeout(r, this.#o.pollIntervalMs ?? 500));
        status = (await api.getSandbox(sb.id, signal)).status;
      }
    } catch (e) {
      await api.stopSandbox(sb.id).catch(() => {});
      throw e;
    }
    const session: VercelSession = {
      sessionId: ref.sessionId,
      taskKey: ref.taskKey,
      root: this.#root,
      workspace: `vercel-sandbox:${sb.id}:${this.#root}`,
      persistent: false,
      createdAt: this.#o.clock(),
      sandboxId: sb.id,
    };
    return session;
  }

  async exec(session: BackendSession, spec: ExecSpec, signal: AbortSignal): Promise<RunningCommand> {
    if (spec.stdin !== undefined && spec.stdin.length > 0) {
      throw new InvalidRunInputError(
        'stdin',
        'not supported by the vercel-sandbox backend (its command API has no stdin)',
      );
    }
    const s = session as VercelSession;
    const api = this.#o.api;
    const cmd = await api.runCommand(s.sandboxId, this.commandBody(spec), signal);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const calls = new AbortController();
    let killed = false;
    let done = false;

    const logs = (async () => {
      const res = await api.logs(s.sandboxId, cmd.id, calls.signal);
      if (!res.body) return;
      let buf = '';
      for await (const chunk of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream)) {
        buf += (chunk as Buffer).toString('utf8');
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) await writeLogLine(line, stdout, stderr, calls.signal);
          nl = buf.indexOf('\n');
        }
      }
      if (buf.trim()) await writeLogLine(buf.trim(), stdout, stderr, calls.signal);
    })();
    // Output lost to a failed log stream is not worth failing a run whose exit code arrives.
    const logsDone = logs.catch(() => {});

    const exit = api.waitCommand(s.sandboxId, cmd.id, calls.signal).then(
      async (c): Promise<ExitStatus> => {
        await logsDone;
        done = true;
        stdout.end();
        stderr.end();
        if (killed) return { exitCode: null, signal: 'SIGKILL' };
        return { exitCode: typeof c.exitCode === 'number' ? c.exitCode : null, signal: null };
      },
      (e: unknown): ExitStatus => {
        done = true;
        calls.abort();
        stdout.end();
        stderr.end();
        if (killed) return { exitCode: null, signal: 'SIGKILL' };
        // Lost mid-run: the caller gets the error, the command is never re-sent (at most once).
        throw e instanceof RpcError
          ? e
          : new RpcError(Code.UNAVAILABLE, 'vercel-sandbox: wait for command: lost the API mid-run', { cause: e });
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
        await api.killCommand(s.sandboxId, cmd.id).catch(() => {});
        calls.abort();
      },
    };
  }

  async closeSession(session: BackendSession): Promise<void> {
    await this.#o.api.stopSandbox((session as VercelSession).sandboxId);
  }

  warmCount(): number {
    return 0;
  }

  async close(): Promise<void> {}
}

async function writeLogLine(line: string, stdout: Writable, stderr: Writable, signal: AbortSignal): Promise<void> {
  let entry: { stream?: unknown; data?: unknown };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return;
  }
  if (typeof entry.data !== 'string') return;
  const out = entry.stream === 'stderr' ? stderr : entry.stream === 'stdout' ? stdout : undefined;
  // Back-pressure: a slow caller pauses the log read, not the worker's heap.
  if (out && !out.destroyed && !out.write(entry.data)) await once(out, 'drain', { signal });
}
