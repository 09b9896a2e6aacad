import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HarnessUsageError, InfraStartError } from './errors.ts';
import { findBinary } from './find-binary.ts';
import { freePort } from './free-port.ts';
import { ManagedProcess } from './managed-process.ts';
import { makeTempDir, removeTempDir } from './temp-dir.ts';

const run = promisify(execFile);

export interface StartSshdOptions {
  /** The only user allowed to log in (key auth only). Default: the user running the test. */
  readonly user?: string;
  /** Extra `sshd_config` lines (e.g. `MaxSessions 2`), appended after ours. */
  readonly extraConfig?: readonly string[];
  readonly readyTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A real OpenSSH server on 127.0.0.1 with a throwaway host key and one authorized client key. */
export interface SshdHandle extends AsyncDisposable {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  /** Private key (OpenSSH format, no passphrase) authorized for `user`. */
  readonly clientKeyPath: string;
  /** A known_hosts file pinning this server's host key (`[127.0.0.1]:port ssh-ed25519 …`). */
  readonly knownHostsPath: string;
  /** The host public key line (`ssh-ed25519 AAAA…`). */
  readonly hostPublicKey: string;
  /** Temp directory holding keys, config and logs (removed by stop()). */
  readonly dir: string;
  /** Listener pid while running. */
  readonly pid: number | undefined;
  /** Last lines sshd logged (for failing tests). */
  logTail(): string;
  /** Kills every connection (and the commands they run) but keeps listening, as a network drop would. */
  dropConnections(): Promise<void>;
  /** SIGKILLs the listener and every connection, then starts again on the same port and host key. */
  restart(): Promise<void>;
  /** Stops the listener, kills every connection and its commands, removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const READY = /Server listening on 127\.0\.0\.1 port/;

/** /proc stat fields after "(comm) ": state, ppid, pgrp… */
function ppidOf(stat: string): number | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[1] === undefined ? undefined : Number(rest[1]);
}

/** Every descendant of `root` (connection handlers re-exec and setsid, so the group alone misses them). */
async function descendants(root: number): Promise<number[]> {
  const parent = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const p = ppidOf(await readFile(`/proc/${name}/stat`, 'utf8'));
      if (p !== undefined) parent.set(Number(name), p);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const cur = frontier.pop() as number;
    for (const [pid, pp] of parent) {
      if (pp === cur) {
        out.push(pid);
        frontier.push(pid);
      }
    }
  }
  return out;
}

function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/**
 * Starts `/usr/sbin/sshd -D -e` on a free loopback port: fresh Ed25519 host and client keys, public
 * key auth only (no passwords, no keyboard-interactive), `UsePAM no`, `StrictModes no` (the keys
 * live in a temp dir whose parents the test does not control), only `user` allowed. Use with
 * `await using sshd = await startSshd()` so it is stopped however the test ends.
 */
export async function startSshd(options: StartSshdOptions = {}): Promise<SshdHandle> {
  const binary = await findBinary('sshd');
  const keygen = await findBinary('ssh-keygen');
  const user = options.user ?? userInfo().username;
  // Privilege separation needs this directory when sshd runs as root (Debian's unit creates it).
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await makeTempDir('sshd');
  try {
    const hostKey = join(dir, 'host_ed25519');
    const clientKeyPath = join(dir, 'client_ed25519');
    await run(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'hermes-test-host', '-f', hostKey]);
    await run(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'hermes-test-client', '-f', clientKeyPath]);
    const hostPublicKey = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    const authorizedKeys = join(dir, 'authorized_keys');
    await writeFile(authorizedKeys, await readFile(`${clientKeyPath}.pub`), { mode: 0o600 });
    let port = await freePort();
    const configPath = join(dir, 'sshd_config');
    const knownHostsPath = join(dir, 'known_hosts');
    const writeConfig = async (): Promise<void> => {
      const lines = [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'HostbasedAuthentication no',
        'PermitRootLogin prohibit-password',
        `AllowUsers ${user}`,
        'UsePAM no',
        'StrictModes no',
        'PrintMotd no',
        'LogLevel INFO',
        ...(options.extraConfig ?? []),
      ];
      await writeFile(configPath, `${lines.join('\n')}\n`);
      await writeFile(knownHostsPath, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
    };
    const launch = async (): Promise<ManagedProcess> =>
      await ManagedProcess.start({
        name: 'sshd',
        // sshd refuses a relative path ("sshd re-exec requires execution with an absolute path").
        command: binary,
        args: ['-D', '-e', '-f', configPath],
        readyPattern: READY,
        readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
        signal: options.signal,
      });
    let proc: ManagedProcess | undefined;
    for (let attempt = 1; proc === undefined; attempt++) {
      await writeConfig();
      try {
        proc = await launch();
      } catch (error) {
        const clash = error instanceof InfraStartError && /address already in use/i.test(error.logTail);
        if (!clash || attempt >= 3) throw error;
        port = await freePort();
      }
    }
    let stopped = false;
    const killConnections = async (): Promise<void> => {
      if (proc?.running) killAll(await descendants(proc.pid));
    };
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      const kids = proc?.running ? await descendants(proc.pid) : [];
      await proc?.stop({ signal: 'SIGTERM', graceMs: 2000 });
      killAll(kids);
      await removeTempDir(dir);
    };
    return {
      host: '127.0.0.1',
      get port() {
        return port;
      },
      user,
      clientKeyPath,
      knownHostsPath,
      hostPublicKey,
      dir,
      get pid() {
        return proc?.running ? proc.pid : undefined;
      },
      logTail: () => proc?.logTail() ?? '',
      dropConnections: killConnections,
      restart: async () => {
        if (stopped) throw new HarnessUsageError('sshd', 'restart() after stop()');
        await killConnections();
        await proc?.kill();
        for (let attempt = 1; ; attempt++) {
          try {
            proc = await launch();
            return;
          } catch (error) {
            const clash = error instanceof InfraStartError && /address already in use/i.test(error.logTail);
            if (!clash || attempt >= 10) throw error;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
}
