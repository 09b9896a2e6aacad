import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findBinary } from './find-binary.ts';
import { ManagedProcess } from './managed-process.ts';

const execFileAsync = promisify(execFile);

export interface DockerHandle {
  /** True when this call started dockerd (and `stop()` will stop it). */
  readonly startedByUs: boolean;
  /** Engine version as `docker info` reports it. */
  readonly serverVersion: string;
  /** Stops dockerd only if we started it. Idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function engineVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 });
    const version = stdout.trim();
    return version.length > 0 ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure a Docker engine answers on the default socket (so the plain `docker` CLI and
 * dockerode work). When none does, starts `dockerd --bridge=none --iptables=false` (issue #2
 * item 10: these machines cannot create bridges or iptables rules) and waits until it answers.
 */
export async function ensureDocker(
  options: { readyTimeoutMs?: number; signal?: AbortSignal } = {},
): Promise<DockerHandle> {
  const existing = await engineVersion();
  if (existing !== undefined) {
    return {
      startedByUs: false,
      serverVersion: existing,
      stop: async () => {},
      [Symbol.asyncDispose]: async () => {},
    };
  }
  const dockerd = await findBinary('dockerd');
  let version: string | undefined;
  const proc = await ManagedProcess.start({
    name: 'dockerd',
    command: dockerd,
    args: ['--bridge=none', '--iptables=false', '--ip6tables=false'],
    readyProbe: async () => {
      version = await engineVersion();
      return version !== undefined;
    },
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    signal: options.signal,
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // dockerd stops its containers on SIGTERM; give it time before the group SIGKILL.
    await proc.stop({ signal: 'SIGTERM', graceMs: 20_000 });
  };
  return { startedByUs: true, serverVersion: version ?? 'unknown', stop, [Symbol.asyncDispose]: stop };
}
