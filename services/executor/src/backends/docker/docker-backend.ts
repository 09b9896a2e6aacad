// docker backend (issue #7 item 4, dockerode): one hardened container per session (cross-session
// isolation, layer 6), created on first use — or claimed from the warm pool — and reused by every
// `exec` of the session; removed when the session ends. Persistent mode bind-mounts
// `<sandboxes>/docker/<task>/{workspace,home}` at /workspace and /root; ephemeral mode keeps both
// on tmpfs, so nothing remains on the host after cleanup. An orphan reaper removes containers whose
// worker is gone.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { BackendConfigError, BackendUnavailableError } from '../../errors.ts';
import type {
  BackendSession,
  ExecSpec,
  ExecutionBackend,
  ExitStatus,
  RunningCommand,
  SessionRef,
} from '../../ports/execution-backend.ts';
import { killProcessTree } from '../../run/process-tree.ts';
import { type ContainerSettings, containerSpec, Label, supportsDiskQuota, WORKSPACE } from './container-spec.ts';
import { demuxDockerStream } from './demux.ts';
import { type WarmEntry, WarmPool } from './warm-pool.ts';

export interface DockerBackendOptions {
  readonly docker: Docker;
  readonly settings: Omit<ContainerSettings, 'diskQuotaSupported'>;
  /** `terminal.container_persistent`. */
  readonly persistent: boolean;
  /** `$HERMES_HOME/sandboxes/docker`. */
  readonly sandboxDir: string;
  /** Containers kept warm for new sessions. Default 2. */
  readonly warmPool?: number;
  /** Whether the worker that owns a container is alive (fleet heartbeats); default: only this worker. */
  readonly isWorkerAlive?: (workerId: string) => Promise<boolean>;
  /** How often the orphan reaper runs. Default 60 s; 0 = only at start. */
  readonly reapIntervalMs?: number;
  readonly logger: { warn(o: object, m: string): void; info(o: object, m: string): void };
  readonly clock: () => number;
}

interface DockerSession extends BackendSession {
  readonly containerId: string;
  readonly hostDir: string | undefined;
}

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 15: 'SIGTERM' };

export class DockerBackend implements ExecutionBackend {
  readonly name = 'docker' as const;
  readonly images: readonly string[];
  readonly #o: DockerBackendOptions;
  readonly #docker: Docker;
  readonly #settings: ContainerSettings;
  readonly #pool: WarmPool;
  readonly #reaper: NodeJS.Timeout | undefined;
  readonly #poolDir: string;

  private constructor(o: DockerBackendOptions, diskQuotaSupported: boolean) {
    this.#o = o;
    this.#docker = o.docker;
    this.#settings = { ...o.settings, diskQuotaSupported };
    this.images = [o.settings.image];
    this.#poolDir = join(o.sandboxDir, '.pool');
    this.#pool = new WarmPool(
      o.warmPool ?? 2,
      () => this.#createWarm(),
      (err) => o.logger.warn({ err }, 'warm pool: could not create a container'),
    );
    const every = o.reapIntervalMs ?? 60_000;
    if (every > 0) {
      this.#reaper = setInterval(() => void this.reapOrphans().catch(() => {}), every);
      this.#reaper.unref();
    }
  }

  /** Checks the engine and the image, reaps orphans, starts filling the warm pool. */
  static async create(o: DockerBackendOptions): Promise<DockerBackend> {
    let info: { Driver?: string; DriverStatus?: string[][] };
    try {
      info = await o.docker.info();
    } catch (e) {
      throw new BackendUnavailableError('docker', 'the Docker engine does not answer', { cause: e });
    }
    try {
      await o.docker.getImage(o.settings.image).inspect();
    } catch (e) {
      throw new BackendConfigError(
        'docker',
        'terminal.docker_image',
        `image ${o.settings.image} is not present on the engine (${(e as Error).message})`,
      );
    }
    const quota = supportsDiskQuota(info);
    if (!quota) {
      o.logger.warn(
        { driver: info.Driver, key: 'terminal.container_disk' },
        'the storage driver cannot enforce a per-container disk limit (needs overlay2 on XFS with pquota); container_disk is not applied',
      );
    }
    const b = new DockerBackend(o, quota);
    await b.reapOrphans();
    void b.#pool.fill();
    return b;
  }

  rootFor(): string {
    return WORKSPACE;
  }

  warmCount(): number {
    return this.#pool.size;
  }

  /** Waits until the warm pool is full (tests, benchmarks, start-up readiness). */
  fillPool(): Promise<void> {
    return this.#pool.fill();
  }

  #name(): string {
    return `hermes-${this.#settings.workerId}-${randomBytes(4).toString('hex')}`;
  }

  async #hostDirs(base: string): Promise<{ workspace: string; home: string }> {
    const dirs = { workspace: join(base, 'workspace'), home: join(base, 'home') };
    await mkdir(dirs.workspace, { recursive: true, mode: 0o755 });
    await mkdir(dirs.home, { recursive: true, mode: 0o700 });
    return dirs;
  }

  async #createStarted(name: string, hostDirs: { workspace: string; home: string } | undefined): Promise<string> {
    const c = await this.#docker.createContainer(containerSpec(this.#settings, { name, hostDirs }));
    try {
      await c.start();
    } catch (e) {
      await c.remove({ force: true, v: true }).catch(() => {});
      throw e;
    }
    return c.id;
  }

  async #createWarm(): Promise<WarmEntry> {
    const name = this.#name();
    let slotDir: string | undefined;
    if (this.#o.persistent) slotDir = join(this.#poolDir, name);
    const id = await this.#createStarted(name, slotDir ? await this.#hostDirs(slotDir) : undefined);
    return { id, name, slotDir };
  }

  async openSession(ref: SessionRef): Promise<BackendSession> {
    const hostDir = this.#o.persistent ? join(this.#o.sandboxDir, ref.taskKey) : undefined;
    let containerId: string | undefined;
    // Warm path. Persistent: a slot's directory becomes the task's directory by rename (the bind
    // mount follows the directory), which only works for a task seen for the first time.
    const fresh = hostDir === undefined || !existsSync(hostDir);
    const warm = fresh ? this.#pool.take() : undefined;
    if (warm) {
      try {
        if (hostDir && warm.slotDir) {
          await mkdir(this.#o.sandboxDir, { recursive: true });
          await rename(warm.slotDir, hostDir);
        }
        containerId = warm.id;
      } catch (e) {
        this.#o.logger.warn({ err: e }, 'warm container could not be claimed; creating one');
        await this.#remove(warm.id, warm.slotDir);
      }
    }
    if (containerId === undefined) {
      containerId = await this.#createStarted(this.#name(), hostDir ? await this.#hostDirs(hostDir) : undefined);
    }
    const session: DockerSession = {
      sessionId: ref.sessionId,
      taskKey: ref.taskKey,
      root: WORKSPACE,
      workspace: hostDir ? `${WORKSPACE} (${join(hostDir, 'workspace')})` : `${WORKSPACE} (tmpfs)`,
      persistent: this.#o.persistent,
      createdAt: this.#o.clock(),
      containerId,
      hostDir,
    };
    return session;
  }

  async exec(session: BackendSession, spec: ExecSpec): Promise<RunningCommand> {
    const s = session as DockerSession;
    const container = this.#docker.getContainer(s.containerId);
    const exec = await container.exec({
      Cmd: [...spec.argv],
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: spec.stdin !== undefined,
      WorkingDir: spec.cwd,
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      Tty: false,
    });
    const raw = (await exec.start({ hijack: true, stdin: spec.stdin !== undefined })) as NodeJS.ReadWriteStream &
      import('node:stream').Duplex;
    const { stdout, stderr } = demuxDockerStream(raw);
    if (spec.stdin !== undefined) {
      raw.write(Buffer.from(spec.stdin));
      raw.end();
    }
    let killed = false;
    let done = false;
    const exit = new Promise<ExitStatus>((resolve) => {
      const finish = async () => {
        if (done) return;
        done = true;
        let code: number | null = null;
        for (let i = 0; i < 50; i++) {
          const info = await exec.inspect().catch(() => undefined);
          if (!info?.Running) {
            code = info?.ExitCode ?? null;
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        // Docker reports a signal death as 128 + signal; report it the way the local backend does.
        if (killed && code !== null && code > 128)
          resolve({ exitCode: null, signal: SIGNALS[code - 128] ?? `SIG${code - 128}` });
        else resolve({ exitCode: code, signal: null });
      };
      raw.once('end', () => void finish());
      raw.once('close', () => void finish());
      raw.once('error', () => void finish());
    });
    return {
      stdout,
      stderr,
      exit,
      kill: async () => {
        // A finished exec needs no kill (and no extra round trip to the engine).
        if (killed || done) return;
        killed = true;
        // The engine runs here: the exec's host pid and its descendants are visible in /proc.
        const info = await exec.inspect().catch(() => undefined);
        if (info?.Pid && info.Running && existsSync(`/proc/${info.Pid}`)) await killProcessTree(info.Pid);
        // A process that escaped the tree (reparented to the container's init) must not hold the run.
        setTimeout(() => raw.destroy(), 500).unref();
      },
    };
  }

  async closeSession(session: BackendSession): Promise<void> {
    const s = session as DockerSession;
    await this.#remove(s.containerId, undefined);
  }

  async #remove(id: string, slotDir: string | undefined): Promise<void> {
    await this.#docker
      .getContainer(id)
      .remove({ force: true, v: true })
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      });
    if (slotDir) await rm(slotDir, { recursive: true, force: true });
  }

  /**
   * Removes this profile's containers whose worker is gone (worker killed mid-run, host rebooted),
   * and their unclaimed pool slots. Task directories of persistent sessions stay: they are the data.
   */
  async reapOrphans(): Promise<number> {
    const list = await this.#docker.listContainers({
      all: true,
      filters: { label: [`${Label.agent}=1`, `${Label.profile}=${this.#settings.profile}`] },
    });
    let removed = 0;
    for (const c of list) {
      const owner = c.Labels?.[Label.worker];
      if (owner === this.#settings.workerId) continue;
      const alive = owner !== undefined && this.#o.isWorkerAlive ? await this.#o.isWorkerAlive(owner) : false;
      if (alive) continue;
      const name = (c.Names?.[0] ?? '').replace(/^\//, '');
      const slot = this.#o.persistent && name.startsWith('hermes-') ? join(this.#poolDir, name) : undefined;
      await this.#remove(c.Id, slot).catch((err) =>
        this.#o.logger.warn({ err, id: c.Id }, 'orphan reaper could not remove a container'),
      );
      removed++;
    }
    if (removed > 0) this.#o.logger.info({ removed }, 'orphan reaper removed containers of dead workers');
    return removed;
  }

  async close(): Promise<void> {
    if (this.#reaper) clearInterval(this.#reaper);
    const warm = await this.#pool.drain();
    await Promise.allSettled(warm.map((w) => this.#remove(w.id, w.slotDir)));
  }
}
