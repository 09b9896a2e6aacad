// Builds the backend a worker serves from `terminal.*` (the `--backend` flag sets terminal.backend).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { HermesConfig, TerminalBackend } from '@hermes/config';
import Docker from 'dockerode';
import ssh2 from 'ssh2';
import { BackendConfigError } from '../errors.ts';
import type { ExecutionBackend } from '../ports/execution-backend.ts';
import { DAYTONA_DEFAULT_API_URL, DaytonaApi } from './daytona/daytona-api.ts';
import { DaytonaBackend } from './daytona/daytona-backend.ts';
import { DockerBackend } from './docker/docker-backend.ts';
import { findExecutable } from './find-executable.ts';
import { LocalBackend } from './local/local-backend.ts';
import { ModalBackend } from './modal/modal-backend.ts';
import { SdkModalSandboxes } from './modal/sdk-modal-sandboxes.ts';
import { SingularityBackend } from './singularity/singularity-backend.ts';
import { parseKnownHosts } from './ssh/known-hosts.ts';
import { SshBackend } from './ssh/ssh-backend.ts';
import { VercelSandboxApi } from './vercel-sandbox/vercel-sandbox-api.ts';
import { VercelSandboxBackend } from './vercel-sandbox/vercel-sandbox-backend.ts';

export interface BackendContext {
  readonly config: HermesConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: () => number;
  readonly workerId: string;
  readonly logger: { warn(o: object, m: string): void; info(o: object, m: string): void };
  /** Fleet liveness of another worker (the docker orphan reaper spares live workers' containers). */
  readonly isWorkerAlive?: (workerId: string) => Promise<boolean>;
}

/** Containers of one HERMES_HOME share a profile label; reapers never touch another profile's. */
export function dockerProfile(config: HermesConfig): string {
  return createHash('sha256').update(config.home).digest('hex').slice(0, 12);
}

/** The docker engine: `DOCKER_HOST` (unix:// or tcp://) from the worker's environment, else the default socket. */
export function dockerClient(env: Readonly<Record<string, string | undefined>>): Docker {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('tcp://')) {
    const u = new URL(host);
    return new Docker({ host: u.hostname, port: Number(u.port || 2375) });
  }
  return new Docker({
    socketPath: host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock',
  });
}

/** `$HERMES_HOME/sandboxes` (reference §6: sandbox dir = `~/.hermes/sandboxes/`). */
export function sandboxRoot(config: HermesConfig): string {
  return join(config.home, 'sandboxes');
}

export async function createBackend(name: TerminalBackend, ctx: BackendContext): Promise<ExecutionBackend> {
  const t = ctx.config.terminal;
  switch (name) {
    case 'local': {
      let bwrapPath: string | undefined;
      if (t.local_sandbox === 'bubblewrap') {
        bwrapPath = await findExecutable('bwrap', ctx.env.PATH);
        if (bwrapPath === undefined) {
          throw new BackendConfigError(
            'local',
            'terminal.local_sandbox',
            'bubblewrap is configured but `bwrap` is not on PATH',
          );
        }
      }
      return new LocalBackend({
        sandboxDir: join(sandboxRoot(ctx.config), 'local'),
        messagingCwd: ctx.config.gateway.messaging_cwd,
        persistent: t.container_persistent,
        sandbox: t.local_sandbox,
        network: t.docker_network,
        hostEnv: ctx.env,
        ...(bwrapPath ? { bwrapPath } : {}),
        clock: ctx.clock,
      });
    }
    case 'docker':
      return DockerBackend.create({
        docker: dockerClient(ctx.env),
        settings: {
          image: t.docker_image,
          cpus: t.container_cpu,
          memoryMb: t.container_memory,
          diskMb: t.container_disk,
          network: t.docker_network,
          runtime: t.docker_runtime,
          profile: dockerProfile(ctx.config),
          workerId: ctx.workerId,
          // Reference §6: only the names listed in docker_forward_env, values from the worker's env.
          env: t.docker_forward_env.flatMap((n) => (ctx.env[n] === undefined ? [] : [`${n}=${ctx.env[n]}`])),
        },
        persistent: t.container_persistent,
        sandboxDir: join(sandboxRoot(ctx.config), 'docker'),
        ...(ctx.isWorkerAlive ? { isWorkerAlive: ctx.isWorkerAlive } : {}),
        logger: ctx.logger,
        clock: ctx.clock,
      });
    case 'ssh':
      return createSshBackend(ctx);
    case 'singularity': {
      const sg = t.singularity;
      if (sg.image === undefined) {
        throw new BackendConfigError(
          'singularity',
          'terminal.singularity.image',
          'required (a .sif path or docker://…)',
        );
      }
      const binary = await findExecutable(sg.binary, ctx.env.PATH);
      if (binary === undefined) {
        throw new BackendConfigError('singularity', 'terminal.singularity.binary', `\`${sg.binary}\` is not on PATH`);
      }
      return new SingularityBackend({
        binary,
        image: sg.image,
        sandboxDir: join(sandboxRoot(ctx.config), 'singularity'),
        persistent: t.container_persistent,
        network: t.docker_network,
        clock: ctx.clock,
      });
    }
    case 'modal': {
      const m = t.modal;
      for (const [key, v] of [
        ['terminal.modal.token_id', m.token_id],
        ['terminal.modal.token_secret', m.token_secret],
      ] as const) {
        if (v === undefined)
          throw new BackendConfigError('modal', key, 'required (or MODAL_TOKEN_ID / MODAL_TOKEN_SECRET)');
      }
      return new ModalBackend({
        sandboxes: new SdkModalSandboxes({ tokenId: m.token_id as string, tokenSecret: m.token_secret as string }),
        image: t.docker_image,
        cpu: t.container_cpu,
        memoryMiB: t.container_memory,
        network: t.docker_network,
        tags: cloudLabels(ctx),
        clock: ctx.clock,
      });
    }
    case 'daytona': {
      const d = t.daytona;
      if (d.api_key === undefined) {
        throw new BackendConfigError('daytona', 'terminal.daytona.api_key', 'required (or DAYTONA_API_KEY)');
      }
      return new DaytonaBackend({
        api: new DaytonaApi({ apiKey: d.api_key, apiUrl: d.api_url ?? DAYTONA_DEFAULT_API_URL }),
        network: t.docker_network,
        labels: cloudLabels(ctx),
        clock: ctx.clock,
      });
    }
    case 'vercel-sandbox': {
      const v = t.vercel_sandbox;
      if (v.token === undefined) {
        throw new BackendConfigError('vercel-sandbox', 'terminal.vercel_sandbox.token', 'required (or VERCEL_TOKEN)');
      }
      if (v.project_id === undefined) {
        throw new BackendConfigError(
          'vercel-sandbox',
          'terminal.vercel_sandbox.project_id',
          'required with an access token (or VERCEL_PROJECT_ID)',
        );
      }
      return new VercelSandboxBackend({
        api: new VercelSandboxApi({
          token: v.token,
          ...(v.team_id ? { teamId: v.team_id } : {}),
          ...(v.api_url ? { apiUrl: v.api_url } : {}),
        }),
        projectId: v.project_id,
        // Vercel takes 1 or an even number of vCPUs.
        vcpus: t.container_cpu <= 1 ? 1 : 2 * Math.ceil(t.container_cpu / 2),
        network: t.docker_network,
        clock: ctx.clock,
      });
    }
    default:
      throw new BackendConfigError(name, 'terminal.backend', 'this backend is not available in this build yet');
  }
}

/** Ownership labels of cloud sandboxes (like the docker backend's container labels). */
function cloudLabels(ctx: BackendContext): Record<string, string> {
  return { 'hermes.profile': dockerProfile(ctx.config), 'hermes.worker': ctx.workerId };
}

async function readConfigFile(key: string, path: string, hint: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new BackendConfigError(
      'ssh',
      key,
      `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}); ${hint}`,
    );
  }
}

/** `terminal.ssh.*`: host, user and key_path are required; known_hosts defaults to the worker user's ~/.ssh/known_hosts. */
async function createSshBackend(ctx: BackendContext): Promise<SshBackend> {
  const c = ctx.config.terminal.ssh;
  for (const [key, v] of [
    ['terminal.ssh.host', c.host],
    ['terminal.ssh.user', c.user],
    ['terminal.ssh.key_path', c.key_path],
  ] as const) {
    if (v === undefined) throw new BackendConfigError('ssh', key, 'required for the ssh backend');
  }
  const knownHostsPath = c.known_hosts ?? join(ctx.env.HOME ?? '/nonexistent', '.ssh', 'known_hosts');
  if (!isAbsolute(knownHostsPath)) {
    throw new BackendConfigError('ssh', 'terminal.ssh.known_hosts', 'must be an absolute path');
  }
  const privateKey = await readConfigFile(
    'terminal.ssh.key_path',
    c.key_path as string,
    'key-based auth needs a private key',
  );
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    throw new BackendConfigError(
      'ssh',
      'terminal.ssh.key_path',
      `not a usable private key (${parsed.message}); passphrase-protected keys are not supported`,
    );
  }
  const knownHosts = parseKnownHosts(
    (
      await readConfigFile(
        'terminal.ssh.known_hosts',
        knownHostsPath,
        "pin the host key first (e.g. `ssh-keyscan -p PORT HOST`, checked against the host's fingerprint out of band)",
      )
    ).toString('utf8'),
  );
  return SshBackend.create({
    target: {
      host: c.host as string,
      port: c.port,
      username: c.user as string,
      privateKey,
      knownHosts,
      knownHostsPath,
      keepaliveIntervalMs: c.keepalive_interval_ms,
    },
    remoteDir: c.remote_dir,
    persistent: ctx.config.terminal.container_persistent,
    clock: ctx.clock,
  });
}
