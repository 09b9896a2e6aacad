// singularity / apptainer backend (issue #7 item 6): one `apptainer exec` per command, contained
// (see singularity-args.ts), in a per-session directory `<sandboxes>/singularity/<task>/` whose
// workspace is bound at /workspace. The CLI runs as the worker's child in its own process group, so
// a timeout kills the whole tree exactly as for the local backend.
import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SpawnFailedError } from '../../errors.ts';
import type {
  BackendSession,
  ExecSpec,
  ExecutionBackend,
  ExitStatus,
  RunningCommand,
  SessionRef,
} from '../../ports/execution-backend.ts';
import { killProcessTree } from '../../run/process-tree.ts';
import { buildCommandEnv } from '../../sanitize/env-policy.ts';
import { SINGULARITY_HOME, SINGULARITY_WORKSPACE, singularityArgs } from './singularity-args.ts';

export interface SingularityBackendOptions {
  /** Absolute path of `apptainer` or `singularity`. */
  readonly binary: string;
  readonly image: string;
  /** `$HERMES_HOME/sandboxes/singularity`. */
  readonly sandboxDir: string;
  readonly persistent: boolean;
  readonly network: boolean;
  readonly clock: () => number;
}

interface SingularitySession extends BackendSession {
  readonly dir: string;
}

export class SingularityBackend implements ExecutionBackend {
  readonly name = 'singularity' as const;
  readonly images: readonly string[];
  readonly #o: SingularityBackendOptions;

  constructor(options: SingularityBackendOptions) {
    this.#o = options;
    this.images = [options.image];
  }

  rootFor(): string {
    return SINGULARITY_WORKSPACE;
  }

  async openSession(ref: SessionRef): Promise<BackendSession> {
    const dir = join(this.#o.sandboxDir, ref.taskKey);
    for (const d of ['workspace', 'home', 'tmp']) await mkdir(join(dir, d), { recursive: true, mode: 0o700 });
    const session: SingularitySession = {
      sessionId: ref.sessionId,
      taskKey: ref.taskKey,
      root: SINGULARITY_WORKSPACE,
      workspace: join(dir, 'workspace'),
      persistent: this.#o.persistent,
      createdAt: this.#o.clock(),
      dir,
    };
    return session;
  }

  async exec(session: BackendSession, spec: ExecSpec): Promise<RunningCommand> {
    const s = session as SingularitySession;
    const env = buildCommandEnv({
      hostEnv: { LANG: 'C.UTF-8' },
      home: SINGULARITY_HOME,
      tmpdir: '/tmp',
      requested: spec.env,
    });
    // PATH comes from the image; the worker's PATH means nothing inside it.
    delete env.PATH;
    const args = singularityArgs(
      {
        image: this.#o.image,
        workspace: join(s.dir, 'workspace'),
        home: join(s.dir, 'home'),
        tmp: join(s.dir, 'tmp'),
        cwd: spec.cwd,
        network: this.#o.network,
        env,
      },
      spec.argv,
    );
    const child = spawn(this.#o.binary, args, {
      cwd: s.dir,
      // The CLI itself needs only a PATH to find its helpers; nothing of the worker's env.
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
      detached: true,
      stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (e) => resolve(e));
    });
    if (spawned !== undefined) {
      throw new SpawnFailedError(this.#o.binary, `cannot start ${this.#o.binary}`, { cause: spawned });
    }
    const pid = child.pid as number;
    if (spec.stdin && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(Buffer.from(spec.stdin));
    }
    let done = false;
    const exit = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => {
        done = true;
        resolve({ exitCode: code, signal });
      });
    });
    return {
      stdout: child.stdout ?? Readable.from([]),
      stderr: child.stderr ?? Readable.from([]),
      exit,
      kill: async () => {
        if (done) return;
        done = true;
        await killProcessTree(pid);
      },
    };
  }

  async closeSession(session: BackendSession): Promise<void> {
    if (this.#o.persistent) return;
    await rm((session as SingularitySession).dir, { recursive: true, force: true, maxRetries: 3 });
  }

  warmCount(): number {
    return 0;
  }

  async close(): Promise<void> {}
}
