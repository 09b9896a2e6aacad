import { type ChildProcess, spawn } from 'node:child_process';
import { InfraStartError } from './errors.ts';
import { forceKill, trackProcess, untrackProcess } from './process-reaper.ts';

/** How to launch a server and recognise that it is ready. */
export interface ProcessSpec {
  /** Short name used in errors, e.g. "nats-server". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Run as this user/group (root only); libuv also drops supplementary groups. */
  readonly uid?: number;
  readonly gid?: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Output (stdout or stderr) that means "accepting connections". */
  readonly readyPattern?: RegExp;
  /** Alternative readiness probe, polled until it resolves true. */
  readonly readyProbe?: () => Promise<boolean>;
  /** Default 20 s: a cold postgres start on a loaded 2-core box can take several seconds. */
  readonly readyTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

const LOG_TAIL_LINES = 30;

/**
 * A child server process: started detached (own process group, so one kill reaches its
 * forks), tracked by the reaper, stopped gracefully then forcibly. `stop()` is idempotent.
 */
export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  readonly #lines: string[];
  #hasExited = false;

  private constructor(name: string, child: ChildProcess, lines: string[]) {
    this.name = name;
    this.#lines = lines;
    if (child.pid === undefined) throw new Error('ManagedProcess: child has no pid');
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#hasExited = true;
        untrackProcess(this.pid);
        resolve(code ?? signal ?? 'unknown');
      });
    });
  }

  get running(): boolean {
    return !this.#hasExited;
  }

  /** The last lines of output, for error messages. */
  logTail(): string {
    return this.#lines.slice(-LOG_TAIL_LINES).join('\n');
  }

  static async start(spec: ProcessSpec): Promise<ManagedProcess> {
    const lines: string[] = [];
    let waiter: ((line: string) => void) | undefined;
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      uid: spec.uid,
      gid: spec.gid,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    if (child.pid === undefined) {
      const error = await spawnError;
      throw new InfraStartError(spec.name, `cannot spawn ${spec.command}: ${error.message}`, '', { cause: error });
    }
    trackProcess(child.pid);
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.length === 0) continue;
        lines.push(line);
        if (lines.length > 500) lines.splice(0, lines.length - 200);
        waiter?.(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const proc = new ManagedProcess(spec.name, child, lines);

    const timeoutMs = spec.readyTimeoutMs ?? 20_000;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiter = undefined;
        resolve();
      };
      void proc.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before it was ready`));
      });
      void spawnError.then((error) => reject(error));
      spec.signal?.addEventListener('abort', () => reject(spec.signal?.reason ?? new Error('aborted')), {
        once: true,
      });
      if (spec.readyPattern !== undefined) {
        const pattern = spec.readyPattern;
        if (lines.some((line) => pattern.test(line))) done();
        else
          waiter = (line) => {
            if (pattern.test(line)) done();
          };
      }
      if (spec.readyProbe !== undefined) {
        const probe = spec.readyProbe;
        const poll = async (): Promise<void> => {
          while (proc.running && !spec.signal?.aborted) {
            if (await probe().catch(() => false)) {
              done();
              return;
            }
            await new Promise((r) => setTimeout(r, 200));
          }
        };
        void poll();
      }
    });
    try {
      await ready;
    } catch (error) {
      await proc.stop({ graceMs: 1000 });
      const reason = error instanceof Error ? error.message : String(error);
      throw new InfraStartError(spec.name, reason, proc.logTail(), { cause: error });
    }
    return proc;
  }

  /**
   * Graceful stop: `signal` (default SIGTERM) to the server, then SIGKILL to its whole process
   * group after `graceMs`. Resolves once the process is gone. Safe to call repeatedly.
   */
  async stop(options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
    if (this.#hasExited) return;
    try {
      process.kill(this.pid, options.signal ?? 'SIGTERM');
    } catch {
      // exited meanwhile
    }
    const timer = setTimeout(() => forceKill(this.pid), options.graceMs ?? 5000);
    await this.exited;
    clearTimeout(timer);
    // A graceful leader exit may leave stragglers in its group (postgres backends); reap them.
    forceKill(this.pid);
  }

  /** Immediate SIGKILL of the process group, as a crash would; resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.#hasExited) return;
    forceKill(this.pid);
    await this.exited;
  }
}
