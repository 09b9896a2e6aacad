// The port every backend implements (local, docker, ssh, singularity, modal, daytona, vercel-sandbox).
// Only our own types cross it (HOUSE_STYLE rule 7); output is plain Node streams so back-pressure
// (pause/resume) reaches the process, the container exec or the SSH channel unchanged.
import type { Readable } from 'node:stream';
import type { TerminalBackend } from '@hermes/config';

export interface SessionRef {
  readonly sessionId: string;
  /** Directory-safe task key (persistent workspaces are named by it). */
  readonly taskKey: string;
  /** Messaging-gateway session: commands run inside MESSAGING_CWD where the backend supports it. */
  readonly messaging: boolean;
}

export interface BackendSession {
  readonly sessionId: string;
  readonly taskKey: string;
  /** Directory every cwd must resolve inside (host path, container path or remote path). */
  readonly root: string;
  /** Workspace shown to operators. */
  readonly workspace: string;
  readonly persistent: boolean;
  readonly createdAt: number;
}

export interface ExecSpec {
  readonly argv: readonly string[];
  /** Absolute, already resolved inside the session root. */
  readonly cwd: string;
  /** The caller's validated variables only; each backend adds its own safe base. */
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: Uint8Array | undefined;
}

export interface ExitStatus {
  readonly exitCode: number | null;
  readonly signal: string | null;
}

export interface RunningCommand {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles once the process has exited (output streams end on their own). */
  readonly exit: Promise<ExitStatus>;
  /** Kills the whole process tree (timeout, cancel, worker shutdown). Idempotent. */
  kill(): Promise<void>;
}

export interface ExecutionBackend {
  readonly name: TerminalBackend;
  /** Images this worker runs (registered with the fleet). */
  readonly images: readonly string[];
  /** The root a session's cwds resolve inside; pure, so cwd is checked before the grant is spent. */
  rootFor(ref: SessionRef): string;
  /** Creates (or adopts) the session's environment: a workspace, a container, a remote directory. */
  openSession(ref: SessionRef, signal: AbortSignal): Promise<BackendSession>;
  exec(session: BackendSession, spec: ExecSpec, signal: AbortSignal): Promise<RunningCommand>;
  /** Releases the session's environment; ephemeral workspaces are deleted. */
  closeSession(session: BackendSession): Promise<void>;
  /** Containers (or sandboxes) pre-created and waiting; 0 when the backend has no pool. */
  warmCount(): number;
  /** Stops background work (pool, reaper, connections). Sessions are closed by the worker first. */
  close(): Promise<void>;
}
