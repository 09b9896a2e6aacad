// ssh backend (issue #7 item 5, ssh2): commands run on a separate execution host, reached with key
// auth only over pinned host keys (seed: "the agent's shell access lives on a different machine
// behind SSH key authentication"). Each session gets its own remote directory
// `<remote_dir>/<task>/{workspace,home,tmp}` (0700); HOME and TMPDIR point into it; the
// environment is `env -i` plus an explicit list (never the worker's). A timeout or cancel kills
// the command's remote process group (its pid is the first line the wrapper prints).
import { posix } from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { BackendConfigError, BackendUnavailableError, InvalidRunInputError } from '../../errors.ts';
import type {
  BackendSession,
  ExecSpec,
  ExecutionBackend,
  ExitStatus,
  RunningCommand,
  SessionRef,
} from '../../ports/execution-backend.ts';
import { buildCommandEnv } from '../../sanitize/env-policy.ts';
import {
  ESCAPE_MARKER,
  MAX_REMOTE_COMMAND_BYTES,
  NOCWD_MARKER,
  PID_MARKER,
  REMOTE_HOME_COMMAND,
  REMOTE_PATH,
  remoteExecCommand,
  remoteKillCommand,
  remoteOpenSessionCommand,
  remoteRemoveCommand,
} from './remote-command.ts';
import { SshConnectionPool, type SshTarget } from './ssh-connection-pool.ts';

export interface SshBackendOptions {
  readonly target: SshTarget;
  /** `terminal.ssh.remote_dir`: absolute, or `~/…` (resolved against the remote $HOME at start). */
  readonly remoteDir: string;
  /** `terminal.container_persistent`: false deletes the session directory when the session ends. */
  readonly persistent: boolean;
  readonly clock: () => number;
}

interface SshSession extends BackendSession {
  readonly dir: string;
  /** The workspace after symbolic links: where every real cwd must stay. */
  readonly rootReal: string;
}

/** Same character set layer 7 allows in a cwd, so a session path is safe to print and quote. */
const SAFE_DIR = /^\/[A-Za-z0-9/_\-.~ +@=,:]*$/;

export class SshBackend implements ExecutionBackend {
  readonly name = 'ssh' as const;
  readonly images: readonly string[] = [];
  readonly pool: SshConnectionPool;
  readonly remoteDir: string;
  readonly #o: SshBackendOptions;

  private constructor(o: SshBackendOptions, pool: SshConnectionPool, remoteDir: string) {
    this.#o = o;
    this.pool = pool;
    this.remoteDir = remoteDir;
  }

  /** Connects once (host key and key auth checked now, so a bad config fails at start) and resolves `~`. */
  static async create(o: SshBackendOptions): Promise<SshBackend> {
    const pool = new SshConnectionPool(o.target);
    try {
      // Always one round trip at start: a wrong host key, key or address fails here, not on the first run.
      const home = (await pool.run(REMOTE_HOME_COMMAND)).trim();
      let dir = o.remoteDir;
      if (dir === '~' || dir.startsWith('~/')) dir = posix.join(home, dir.slice(1));
      dir = posix.normalize(dir).replace(/\/+$/, '') || '/';
      if (!SAFE_DIR.test(dir) || dir === '/') {
        throw new BackendConfigError(
          'ssh',
          'terminal.ssh.remote_dir',
          'must be an absolute directory below / with safe characters',
        );
      }
      return new SshBackend(o, pool, dir);
    } catch (e) {
      await pool.close();
      throw e;
    }
  }

  rootFor(ref: SessionRef): string {
    return posix.join(this.remoteDir, ref.taskKey, 'workspace');
  }

  async openSession(ref: SessionRef, signal: AbortSignal): Promise<BackendSession> {
    const dir = posix.join(this.remoteDir, ref.taskKey);
    const rootReal = (await this.pool.run(remoteOpenSessionCommand(dir), signal)).trim();
    const root = this.rootFor(ref);
    const session: SshSession = {
      sessionId: ref.sessionId,
      taskKey: ref.taskKey,
      root,
      workspace: `${this.#o.target.username}@${this.#o.target.host}:${root}`,
      persistent: this.#o.persistent,
      createdAt: this.#o.clock(),
      dir,
      rootReal: rootReal || root,
    };
    return session;
  }

  async exec(session: BackendSession, spec: ExecSpec, signal: AbortSignal): Promise<RunningCommand> {
    const s = session as SshSession;
    const env = buildCommandEnv({
      hostEnv: { PATH: REMOTE_PATH, LANG: 'C.UTF-8' },
      home: posix.join(s.dir, 'home'),
      tmpdir: posix.join(s.dir, 'tmp'),
      user: this.#o.target.username,
      requested: spec.env,
    });
    const command = remoteExecCommand({ argv: spec.argv, cwd: spec.cwd, rootReal: s.rootReal, env });
    if (Buffer.byteLength(command) > MAX_REMOTE_COMMAND_BYTES) {
      throw new InvalidRunInputError(
        'argv',
        `too long for the ssh backend (more than ${MAX_REMOTE_COMMAND_BYTES / 1024} KiB once quoted); pass data on stdin`,
      );
    }
    const ch = await this.pool.exec(command, signal);
    let status: ExitStatus | undefined;
    ch.once('exit', (code: number | null, sig?: string) => {
      status =
        code === null ? { exitCode: null, signal: sig ? `SIG${sig}` : 'SIGKILL' } : { exitCode: code, signal: null };
    });
    const exit = new Promise<ExitStatus>((resolve, reject) => {
      ch.once('close', () => {
        if (status) resolve(status);
        // No exit status: the connection died under the command. Its fate is unknown, so the
        // caller gets an error, never a retry (at most once).
        else reject(new BackendUnavailableError('ssh', 'the SSH connection was lost before the command finished'));
      });
    });
    exit.catch(() => {});
    ch.stderr.on('error', () => {});
    ch.on('error', () => {});
    if (spec.stdin) ch.end(Buffer.from(spec.stdin));
    else ch.end();
    const stdout = new MarkerLine();
    ch.pipe(stdout);
    const marker = await stdout.line;
    // A channel only emits 'close' once its output was read to the end: drain before waiting.
    const discard = async () => {
      stdout.resume();
      ch.stderr.resume();
      await exit.catch(() => {});
    };
    if (marker === NOCWD_MARKER) {
      await discard();
      throw new InvalidRunInputError('cwd', 'does not exist in the session workspace');
    }
    if (marker === ESCAPE_MARKER) {
      await discard();
      throw new InvalidRunInputError('cwd', 'resolves outside the session workspace (symbolic link)');
    }
    const pid = marker?.startsWith(PID_MARKER) ? Number(marker.slice(PID_MARKER.length)) : Number.NaN;
    if (!Number.isSafeInteger(pid) || pid <= 1) {
      ch.close();
      await discard();
      throw new BackendUnavailableError(
        'ssh',
        'the remote shell did not start the command (is the login shell POSIX?)',
      );
    }
    let killed = false;
    return {
      stdout,
      stderr: ch.stderr as Readable,
      exit,
      kill: async () => {
        if (killed || status) return;
        killed = true;
        // A kill needs its own channel (on a fresh connection if this one died): signalling the
        // channel reaches only the leader, and OpenSSH ignores signal requests before 7.9.
        await this.pool.run(remoteKillCommand(pid)).catch(() => {});
        ch.close();
      },
    };
  }

  async closeSession(session: BackendSession): Promise<void> {
    if (this.#o.persistent) return;
    await this.pool.run(remoteRemoveCommand((session as SshSession).dir));
  }

  warmCount(): number {
    return 0;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/**
 * Splits the wrapper's marker line off the command's stdout. A Transform piped at once (rather
 * than reading and `unshift`ing) so no 'end' can be emitted before the output pump listens, and
 * the pipe keeps back-pressure reaching the channel's window.
 */
class MarkerLine extends Transform {
  readonly line: Promise<string | undefined>;
  #resolve!: (line: string | undefined) => void;
  #head: Buffer[] = [];
  #headBytes = 0;
  #done = false;

  constructor() {
    super();
    this.line = new Promise((r) => {
      this.#resolve = r;
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.#done) {
      cb(null, chunk);
      return;
    }
    const nl = chunk.indexOf(0x0a);
    if (nl < 0) {
      this.#head.push(chunk);
      this.#headBytes += chunk.length;
      if (this.#headBytes > 256) this.#finish(undefined);
      cb();
      return;
    }
    this.#head.push(chunk.subarray(0, nl));
    this.#finish(Buffer.concat(this.#head).toString('utf8'));
    cb(null, chunk.length > nl + 1 ? chunk.subarray(nl + 1) : undefined);
  }

  override _flush(cb: TransformCallback): void {
    if (!this.#done) this.#finish(undefined);
    cb();
  }

  #finish(line: string | undefined): void {
    this.#done = true;
    this.#head = [];
    this.#resolve(line);
  }
}
