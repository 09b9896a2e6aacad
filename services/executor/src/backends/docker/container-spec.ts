// The docker backend's container definition (issue #7 item 4; seed "Container Hardening"; reference
// §6). Pure, so the exact hardening is unit-tested field by field.
import type { ContainerCreateOptions } from 'dockerode';

/** Seed: "All Linux capabilities dropped (--cap-drop ALL), with only DAC_OVERRIDE, CHOWN, and FOWNER re-added". */
export const CAP_ADD = ['DAC_OVERRIDE', 'CHOWN', 'FOWNER'] as const;
/** Seed: "PID limit of 256 to prevent fork bombs". */
export const PIDS_LIMIT = 256;
/**
 * Seed: "/tmp (512MB, nosuid), /var/tmp (256MB, noexec), and /run (64MB, noexec)". Docker's tmpfs
 * default is noexec, so /tmp says `exec` explicitly (reference §6: "exec allowed for builds").
 */
export const HARDENED_TMPFS: Readonly<Record<string, string>> = {
  '/tmp': 'rw,exec,nosuid,size=512m',
  '/var/tmp': 'rw,noexec,nosuid,size=256m',
  '/run': 'rw,noexec,nosuid,size=64m',
};
/** Reference §6, ephemeral mode: workspace and home on tmpfs, gone with the container. */
export const EPHEMERAL_TMPFS: Readonly<Record<string, string>> = {
  '/workspace': 'rw,exec,size=10g',
  '/root': 'rw,exec,size=1g',
};

export const WORKSPACE = '/workspace';

/** Labels that mark our containers (reference §6: `hermes-agent=1`, task id, profile). */
export const Label = {
  agent: 'hermes-agent',
  profile: 'hermes-profile',
  worker: 'hermes-worker',
  persistent: 'hermes-persistent',
} as const;

export interface ContainerSettings {
  readonly image: string;
  /** `terminal.container_cpu` (default 1). */
  readonly cpus: number;
  /** `terminal.container_memory`, MB (default 5120). */
  readonly memoryMb: number;
  /** `terminal.container_disk`, MB (default 51200); applied only when the storage driver supports it. */
  readonly diskMb: number;
  readonly diskQuotaSupported: boolean;
  /** `terminal.docker_network` (default false → `--network none`). */
  readonly network: boolean;
  /** `terminal.docker_runtime`, e.g. `runsc` (gVisor). */
  readonly runtime: string | undefined;
  readonly profile: string;
  readonly workerId: string;
  /** `terminal.docker_forward_env` resolved against the worker's environment. */
  readonly env: readonly string[];
}

export interface ContainerPlacement {
  readonly name: string;
  /** Persistent mode: host directories bound at /workspace and /root. Ephemeral: undefined (tmpfs). */
  readonly hostDirs: { readonly workspace: string; readonly home: string } | undefined;
}

export function containerSpec(s: ContainerSettings, p: ContainerPlacement): ContainerCreateOptions {
  const tmpfs: Record<string, string> = { ...HARDENED_TMPFS, ...(p.hostDirs ? {} : EPHEMERAL_TMPFS) };
  return {
    name: p.name,
    Image: s.image,
    // Reference §6: the container idles; every command is a `docker exec`.
    Cmd: ['sleep', 'infinity'],
    WorkingDir: WORKSPACE,
    Env: [...s.env],
    Labels: {
      [Label.agent]: '1',
      [Label.profile]: s.profile,
      [Label.worker]: s.workerId,
      [Label.persistent]: p.hostDirs ? '1' : '0',
    },
    NetworkDisabled: !s.network,
    HostConfig: {
      CapDrop: ['ALL'],
      CapAdd: [...CAP_ADD],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: PIDS_LIMIT,
      Tmpfs: tmpfs,
      NanoCpus: Math.round(s.cpus * 1e9),
      Memory: s.memoryMb * 1024 * 1024,
      // No swap beyond the memory limit: the limit is the limit.
      MemorySwap: s.memoryMb * 1024 * 1024,
      NetworkMode: s.network ? 'bridge' : 'none',
      // Reference §6: `--init` (tini) reaps zombies and forwards signals.
      Init: true,
      ...(s.runtime ? { Runtime: s.runtime } : {}),
      ...(s.diskQuotaSupported ? { StorageOpt: { size: `${s.diskMb}m` } } : {}),
      ...(p.hostDirs ? { Binds: [`${p.hostDirs.workspace}:${WORKSPACE}:rw`, `${p.hostDirs.home}:/root:rw`] } : {}),
      AutoRemove: false,
      RestartPolicy: { Name: 'no' },
    },
  };
}

/**
 * `--storage-opt size=` works only on overlay2 over XFS with project quotas (reference §6); elsewhere
 * the engine refuses to create the container, so the disk limit is skipped and the worker says so.
 */
export function supportsDiskQuota(info: { Driver?: string; DriverStatus?: readonly (readonly string[])[] }): boolean {
  if (info.Driver !== 'overlay2') return false;
  const backing = info.DriverStatus?.find((row) => row[0] === 'Backing Filesystem')?.[1];
  return backing === 'xfs';
}
