// The worker (issue #7 item 1): validates (layer 7), verifies the grant, opens the session's
// environment on first use, runs the command and streams its redacted output with heartbeats,
// enforces the per-run timeout by killing the whole process tree, and answers Cancel, ListSessions
// and EndSession for what it holds. At most once: the grant's nonce is consumed before anything
// starts and nothing here ever retries a command.
import { randomBytes } from 'node:crypto';
import type { TerminalBackend } from '@hermes/config';
import type { AuditSink } from '@hermes/platform';
import type { Redactor } from '@hermes/security';
import { argvHash } from '@hermes/security';
import { BackendUnavailableError, SpawnFailedError, WorkerAtCapacityError } from '../errors.ts';
import type { GrantCheck } from '../grant/grant-check.ts';
import type { BackendSession, ExecutionBackend, RunningCommand } from '../ports/execution-backend.ts';
import { RunLimits } from '../sanitize/limits.ts';
import { type RawRunInput, resolveCwd, validateRunInput, validateSessionId } from '../sanitize/run-input.ts';
import { OutputPump, type StreamName } from './output-pump.ts';

export type RunEvent =
  | { readonly kind: 'started'; readonly runId: string }
  | { readonly kind: 'output'; readonly stream: StreamName; readonly data: Uint8Array }
  | { readonly kind: 'heartbeat'; readonly elapsedMs: number }
  | { readonly kind: 'result'; readonly result: RunOutcome };

export interface RunOutcome {
  readonly runId: string;
  /** -1 when the process ended by a signal. */
  readonly exitCode: number;
  readonly signal: string;
  readonly durationMs: number;
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
}

export interface WorkerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WorkerOptions {
  readonly workerId: string;
  readonly backend: ExecutionBackend;
  readonly grants: GrantCheck;
  readonly redactor: Redactor;
  readonly audit: AuditSink;
  readonly logger: WorkerLogger;
  readonly clock?: () => number;
  /** Concurrent runs accepted; more answer RESOURCE_EXHAUSTED before the grant is spent. Default 16. */
  readonly capacity?: number;
  /** Heartbeat interval while a command is quiet. Default 1000 ms. */
  readonly heartbeatMs?: number;
  /** Sessions unused this long are ended (their container removed). Default 30 min; 0 = never. */
  readonly sessionIdleMs?: number;
  readonly maxOutputBytesPerStream?: number;
}

export interface RunCallContext {
  readonly signal: AbortSignal;
  /** Milliseconds left of the caller's deadline. */
  remainingMs(): number;
  readonly requestId: string;
}

export interface SessionSummary {
  readonly session: BackendSession;
  readonly activeRuns: number;
  readonly lastUsed: number;
}

interface SessionEntry {
  opening: Promise<BackendSession>;
  session: BackendSession | undefined;
  activeRuns: number;
  lastUsed: number;
  ending: boolean;
}

interface ActiveRun {
  readonly sessionId: string;
  cancel(): void;
}

export class Worker {
  readonly workerId: string;
  readonly backend: ExecutionBackend;
  readonly capacity: number;
  readonly startedAt: number;
  readonly #o: WorkerOptions;
  readonly #clock: () => number;
  readonly #sessions = new Map<string, SessionEntry>();
  readonly #runs = new Map<string, ActiveRun>();
  readonly #idleTimer: NodeJS.Timeout | undefined;
  #seq = 0;
  #closed = false;

  constructor(options: WorkerOptions) {
    this.#o = options;
    this.workerId = options.workerId;
    this.backend = options.backend;
    this.capacity = options.capacity ?? 16;
    this.#clock = options.clock ?? Date.now;
    this.startedAt = this.#clock();
    const idle = options.sessionIdleMs ?? 30 * 60_000;
    if (idle > 0) {
      this.#idleTimer = setInterval(() => void this.#reapIdle(idle), Math.min(idle, 60_000));
      this.#idleTimer.unref();
    }
  }

  get backendName(): TerminalBackend {
    return this.backend.name;
  }

  get activeRuns(): number {
    return this.#runs.size;
  }

  /** Run ids carry the worker id, so a Cancel that reaches another replica can be forwarded here. */
  #newRunId(): string {
    this.#seq = (this.#seq + 1) % 0xffffffff;
    return `${this.workerId}.${this.#seq.toString(36)}${randomBytes(6).toString('hex')}`;
  }

  async *run(raw: RawRunInput & { readonly grant: Uint8Array }, ctx: RunCallContext): AsyncGenerator<RunEvent> {
    if (this.#closed) throw new BackendUnavailableError(this.backend.name, 'worker is shutting down');
    const input = validateRunInput(raw);
    const ref = { sessionId: input.sessionId, taskKey: input.taskKey, messaging: input.messaging };
    const cwd = resolveCwd(input.cwd, this.backend.rootFor(ref));
    if (this.#runs.size >= this.capacity) {
      throw new WorkerAtCapacityError(this.workerId, this.capacity);
    }
    const runId = this.#newRunId();
    const hash = argvHash(input.argv);
    const auditBase = { runId, backend: this.backend.name, workerId: this.workerId, argvHash: hash, cwd: input.cwd };
    // Reserve the slot before the (async) grant check so concurrent runs cannot overshoot capacity.
    let cancelled = false;
    let onCancel: (() => void) | undefined;
    this.#runs.set(runId, {
      sessionId: input.sessionId,
      cancel: () => {
        cancelled = true;
        onCancel?.();
      },
    });
    let entry: SessionEntry | undefined;
    let command: RunningCommand | undefined;
    let pump: OutputPump | undefined;
    try {
      let approvalId: string;
      try {
        ({ approvalId } = await this.#o.grants.check({
          token: raw.grant,
          sessionId: input.sessionId,
          argv: input.argv,
          cwd: input.cwd,
          backend: this.backend.name,
        }));
      } catch (e) {
        this.#o.audit.emit({
          kind: 'executor.run',
          outcome: 'refused',
          sessionId: input.sessionId,
          attributes: { ...auditBase, reason: (e as { reason?: string }).reason ?? 'error' },
        });
        throw e;
      }
      yield { kind: 'started', runId };
      const accepted = this.#clock();
      entry = this.#acquire(ref);
      // Heartbeats cover the session set-up too (a cold container, a new SSH connection): a caller
      // that fails fast on silence must never take a slow start for a dead worker.
      const session = yield* this.#beating(entry.opening, accepted);
      const started = this.#clock();
      try {
        command = yield* this.#beating(
          this.backend.exec(session, { argv: input.argv, cwd, env: input.env, stdin: input.stdin }, ctx.signal),
          accepted,
        );
      } catch (e) {
        if (!(e instanceof SpawnFailedError)) throw e;
        // Like a shell: the run happened and failed with 127; the message is ours, not the caller's input.
        yield { kind: 'output', stream: 'stderr', data: Buffer.from(`hermes: ${e.message}\n`) };
        const result = this.#outcome(runId, { exitCode: 127, signal: null }, started, false, false, false, false);
        this.#auditResult(input.sessionId, auditBase, approvalId, result);
        yield { kind: 'result', result };
        return;
      }
      const running = command;
      pump = new OutputPump(
        { stdout: running.stdout, stderr: running.stderr },
        {
          redactor: this.#o.redactor,
          maxBytesPerStream: this.#o.maxOutputBytesPerStream ?? RunLimits.maxOutputBytesPerStream,
        },
      );
      const outputPump = pump;
      let timedOut = false;
      let stopped = false;
      const stop = (why: 'timeout' | 'cancel' | 'abort') => {
        if (stopped) return;
        stopped = true;
        if (why === 'timeout') timedOut = true;
        void running.kill().finally(() => {
          // The tree is dead; a straggler that escaped it must not hold the run open.
          setTimeout(() => outputPump.destroy(), 1000).unref();
        });
      };
      onCancel = () => stop('cancel');
      if (cancelled) stop('cancel');
      const budget = Math.min(input.timeoutMs, Math.max(1, ctx.remainingMs() - 50));
      const timer = setTimeout(() => stop('timeout'), budget);
      const onAbort = () => stop('abort');
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const heartbeatMs = this.#o.heartbeatMs ?? 1000;
        let pending = pump.next();
        while (true) {
          let hb: NodeJS.Timeout | undefined;
          const beat = new Promise<'beat'>((r) => {
            hb = setTimeout(() => r('beat'), heartbeatMs);
          });
          const next = await Promise.race([pending, beat]);
          clearTimeout(hb);
          if (next === 'beat') {
            yield { kind: 'heartbeat', elapsedMs: this.#clock() - started };
            continue;
          }
          if (next === undefined) break;
          yield { kind: 'output', stream: next.stream, data: next.data };
          pending = pump.next();
        }
        const status = await running.exit;
        const result = this.#outcome(
          runId,
          status,
          started,
          pump.truncated('stdout'),
          pump.truncated('stderr'),
          timedOut,
          cancelled && !timedOut,
        );
        this.#auditResult(input.sessionId, auditBase, approvalId, result);
        yield { kind: 'result', result };
      } finally {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
      }
    } finally {
      this.#runs.delete(runId);
      if (command) {
        // Abandoned by the caller (generator returned early) or failed mid-way: nothing keeps running.
        await command.kill().catch(() => {});
        pump?.destroy();
      }
      if (entry) {
        entry.activeRuns--;
        entry.lastUsed = this.#clock();
      }
    }
  }

  /** Awaits `p`, yielding a heartbeat every period while it is pending. */
  async *#beating<T>(p: Promise<T>, since: number): AsyncGenerator<RunEvent, T> {
    const settled = p.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const heartbeatMs = this.#o.heartbeatMs ?? 1000;
    while (true) {
      let hb: NodeJS.Timeout | undefined;
      const beat = new Promise<undefined>((r) => {
        hb = setTimeout(() => r(undefined), heartbeatMs);
      });
      const r = await Promise.race([settled, beat]);
      clearTimeout(hb);
      if (r === undefined) {
        yield { kind: 'heartbeat', elapsedMs: this.#clock() - since };
        continue;
      }
      if (r.ok) return r.value;
      throw r.error;
    }
  }

  #outcome(
    runId: string,
    status: { exitCode: number | null; signal: string | null },
    started: number,
    stdoutTruncated: boolean,
    stderrTruncated: boolean,
    timedOut: boolean,
    cancelled: boolean,
  ): RunOutcome {
    return {
      runId,
      exitCode: status.exitCode ?? -1,
      signal: status.signal ?? '',
      durationMs: this.#clock() - started,
      stdoutTruncated,
      stderrTruncated,
      timedOut,
      cancelled,
    };
  }

  #auditResult(sessionId: string, base: Record<string, string>, approvalId: string, r: RunOutcome): void {
    this.#o.audit.emit({
      kind: 'executor.run',
      outcome: r.timedOut ? 'timed_out' : r.cancelled ? 'cancelled' : r.exitCode === 0 ? 'succeeded' : 'failed',
      sessionId,
      attributes: {
        ...base,
        approvalId,
        exitCode: r.exitCode,
        signal: r.signal,
        durationMs: r.durationMs,
        stdoutTruncated: r.stdoutTruncated,
        stderrTruncated: r.stderrTruncated,
      },
    });
  }

  #acquire(ref: { sessionId: string; taskKey: string; messaging: boolean }): SessionEntry {
    let entry = this.#sessions.get(ref.sessionId);
    if (!entry || entry.ending) {
      const controller = new AbortController();
      const created: SessionEntry = {
        opening: this.backend.openSession(ref, controller.signal),
        session: undefined,
        activeRuns: 0,
        lastUsed: this.#clock(),
        ending: false,
      };
      created.opening.then(
        (s) => {
          created.session = s;
        },
        () => {
          // A failed open is not cached: the next run tries again.
          if (this.#sessions.get(ref.sessionId) === created) this.#sessions.delete(ref.sessionId);
        },
      );
      this.#sessions.set(ref.sessionId, created);
      entry = created;
    }
    entry.activeRuns++;
    entry.lastUsed = this.#clock();
    return entry;
  }

  /** Kills a running command's tree. False when this worker holds no such run. */
  cancel(runId: string): boolean {
    const run = this.#runs.get(runId);
    if (!run) return false;
    run.cancel();
    return true;
  }

  /** True when `runId` was minted by this worker (whether or not it is still running). */
  ownsRunId(runId: string): boolean {
    return runId.startsWith(`${this.workerId}.`);
  }

  sessions(): SessionSummary[] {
    const out: SessionSummary[] = [];
    for (const e of this.#sessions.values()) {
      if (e.session && !e.ending) out.push({ session: e.session, activeRuns: e.activeRuns, lastUsed: e.lastUsed });
    }
    return out;
  }

  /** Cancels the session's runs and releases its environment. False when this worker does not hold it. */
  async endSession(sessionId: string): Promise<boolean> {
    validateSessionId(sessionId);
    const entry = this.#sessions.get(sessionId);
    if (!entry) return false;
    entry.ending = true;
    for (const r of this.#runs.values()) if (r.sessionId === sessionId) r.cancel();
    this.#sessions.delete(sessionId);
    const session = await entry.opening.catch(() => undefined);
    if (session) await this.backend.closeSession(session);
    return true;
  }

  async #reapIdle(idleMs: number): Promise<void> {
    const now = this.#clock();
    for (const [id, e] of this.#sessions) {
      if (e.activeRuns === 0 && e.session && now - e.lastUsed >= idleMs) {
        await this.endSession(id).catch((err) =>
          this.#o.logger.warn({ err, sessionId: id }, 'idle session cleanup failed'),
        );
      }
    }
  }

  /** Shutdown: cancel every run, end every session, stop the backend. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#idleTimer) clearInterval(this.#idleTimer);
    for (const r of this.#runs.values()) r.cancel();
    await Promise.allSettled([...this.#sessions.keys()].map((id) => this.endSession(id)));
    await this.backend.close();
  }
}
