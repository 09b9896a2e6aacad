// local backend (issue #7 item 3): runs as the service user in the session's own workspace with a
// filtered environment — platform secrets (provider keys, DATABASE_URL, signing keys, …) are never
// inherited, and HOME/TMPDIR point into the session directory, not the service user's home
// (where `~/.hermes/.env` lives). Optionally inside bubblewrap.
import { spawn } from 'node:child_process';
import { mkdir, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidRunInputError, SpawnFailedError } from '../../errors.ts';
import type {
  BackendSession,
  ExecSpec,
  ExecutionBackend,
  ExitStatus,
  RunningCommand,
  SessionRef,
} from '../../ports/execution-backend.ts';
import { killGroup, killProcessTree } from '../../run/process-tree.ts';
import { buildCommandEnv } from '../../sanitize/env-policy.ts';
import { bubblewrapArgs } from './bubblewrap-args.ts';

export interface LocalBackendOptions {
  /** `$HERMES_HOME/sandboxes/local`: one directory per task key, holding workspace/, home/ and tmp/. */
  readonly sandboxDir: string;
  /** `gateway.messaging_cwd` (MESSAGING_CWD): root of messaging sessions. */
  readonly messagingCwd: string | undefined;
  /** false: the session directory is deleted when the session ends. */
  readonly persistent: boolean;
  readonly sandbox: 'none' | 'bubblewrap';
  /** Network inside bubblewrap. */
  readonly network: boolean;
  /** The worker's environment (for PATH, LANG, …; nothing secret is copied). */
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  /** Absolute path of `bwrap` when sandboxed. */
  readonly bwrapPath?: string;
  readonly clock: () => number;
}

interface LocalSession extends BackendSession {
  readonly dir: string;
  readonly home: string;
  readonly tmp: string;
}

/** After the command exits, how long its output may still drain before leftovers are killed. */
const DRAIN_GRACE_MS = 250;

export class LocalBackend implements ExecutionBackend {
  readonly name = 'local' as const;
  readonly images: readonly string[] = [];
  readonly #o: LocalBackendOptions;

  constructor(options: LocalBackendOptions) {
    this.#o = options;
  }

  rootFor(ref: SessionRef): string {
    if (ref.messaging) {
      if (this.#o.messagingCwd === undefined) {
        throw new InvalidRunInputError(
          'messaging',
          'MESSAGING_CWD (gateway.messaging_cwd) is not configured on this worker',
        );
      }
      return this.#o.messagingCwd;
    }
    return join(this.#o.sandboxDir, ref.taskKey, 'workspace');
  }

  async openSession(ref: SessionRef): Promise<BackendSession> {
    const dir = join(this.#o.sandboxDir, ref.taskKey);
    const workspace = join(dir, 'workspace');
    const home = join(dir, 'home');
    const tmp = join(dir, 'tmp');
    for (const d of [workspace, home, tmp]) await mkdir(d, { recursive: true, mode: 0o700 });
    const root = this.rootFor(ref);
    const session: LocalSession = {
      sessionId: ref.sessionId,
      taskKey: ref.taskKey,
      root,
      workspace: root,
      persistent: this.#o.persistent,
      createdAt: this.#o.clock(),
      dir,
      home,
      tmp,
    };
    return session;
  }

  async exec(session: BackendSession, spec: ExecSpec): Promise<RunningCommand> {
    const s = session as LocalSession;
    // The text was checked against `..`; a symlink inside the workspace could still point out of it.
    let real: string;
    try {
      real = await realpath(spec.cwd);
    } catch {
      throw new InvalidRunInputError('cwd', 'does not exist in the session workspace');
    }
    const rootReal = await realpath(s.root);
    if (real !== rootReal && !real.startsWith(`${rootReal}/`)) {
      throw new InvalidRunInputError('cwd', 'resolves outside the session workspace (symbolic link)');
    }
    const env = buildCommandEnv({ hostEnv: this.#o.hostEnv, home: s.home, tmpdir: s.tmp, requested: spec.env });
    let command = spec.argv[0] as string;
    let args = spec.argv.slice(1);
    if (this.#o.sandbox === 'bubblewrap') {
      const writable = [s.dir];
      if (!real.startsWith(`${s.dir}/`)) writable.push(rootReal);
      env.TMPDIR = '/tmp';
      args = bubblewrapArgs({ writable, cwd: real, network: this.#o.network }, spec.argv);
      command = this.#o.bwrapPath ?? 'bwrap';
    }
    const child = spawn(command, args, {
      cwd: real,
      env,
      detached: true,
      stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (e) => resolve(e));
    });
    if (spawned !== undefined) {
      const code = (spawned as NodeJS.ErrnoException).code;
      throw new SpawnFailedError(
        spec.argv[0] as string,
        code === 'ENOENT' ? 'command not found' : `cannot start command (${code ?? 'error'})`,
        { cause: spawned },
      );
    }
    const pid = child.pid as number;
    if (spec.stdin && child.stdin) {
      child.stdin.on('error', () => {}); // EPIPE when the command does not read its input
      child.stdin.end(Buffer.from(spec.stdin));
    }
    let killed = false;
    let exited = false;
    const exit = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => {
        exited = true;
        // Background jobs must not outlive their run: give output a moment to drain, then kill the
        // rest of the group, which closes the pipes they held (unread output stays in the pipe).
        setTimeout(() => killGroup(pid), DRAIN_GRACE_MS).unref();
        resolve({ exitCode: code, signal });
      });
    });
    return {
      stdout: child.stdout ?? Readable.from([]),
      stderr: child.stderr ?? Readable.from([]),
      exit,
      kill: async () => {
        // After a normal exit the drain timer above kills leftovers; walking /proc is for live trees.
        if (killed || exited) return;
        killed = true;
        await killProcessTree(pid);
      },
    };
  }

  async closeSession(session: BackendSession): Promise<void> {
    if (this.#o.persistent) return;
    await rm((session as LocalSession).dir, { recursive: true, force: true, maxRetries: 3 });
  }

  warmCount(): number {
    return 0;
  }

  async close(): Promise<void> {}
}
