import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BinaryNotFoundError, HarnessUsageError, InfraStartError } from './errors.ts';
import { findBinary, postgresBinDirs } from './find-binary.ts';
import { freePort } from './free-port.ts';
import { ManagedProcess } from './managed-process.ts';
import { externalHandle, type ServiceHandle, type StartOptions } from './service-handle.ts';
import { makeTempDir, removeTempDir } from './temp-dir.ts';

const execFileAsync = promisify(execFile);
const READY = /database system is ready to accept connections/;

export interface StartPostgresOptions extends StartOptions {
  /** Directory holding `initdb` and `postgres`; default the newest /usr/lib/postgresql/<v>/bin. */
  readonly binDir?: string;
}

/** A Postgres the test can stop and bring back with its data (chaos tests: "Postgres stopped for 30 s"). */
export interface PostgresHandle extends ServiceHandle {
  /** True while the server process is up (always true when external). */
  readonly running: boolean;
  /** Fast shutdown (SIGINT: sessions end, open transactions roll back); data and port are kept. */
  halt(): Promise<void>;
  /** Starts it again on the same port and data dir; halts it first if still running. */
  restart(): Promise<void>;
}

interface Account {
  readonly uid: number;
  readonly gid: number;
}

/**
 * postgres refuses to run as root, so as root the server runs as the `postgres` system user
 * (Debian's postgresql-common creates it). We spawn with uid/gid directly rather than through
 * `runuser`, so the pid we hold IS the postmaster and our shutdown signal reaches it unrelayed.
 */
async function serverAccount(): Promise<Account | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === 'postgres' && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new InfraStartError(
    'postgres',
    'running as root but there is no "postgres" system user to run the server as (apt-get install postgresql creates it)',
    '',
  );
}

/**
 * Starts a throwaway Postgres: `initdb` into a temp dir (trust auth on 127.0.0.1, durability off
 * for speed) and `postgres` on a free port; or returns a handle to `DATABASE_URL` when set.
 * The URL connects as superuser `postgres` to database `postgres`.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresHandle> {
  const env = options.env ?? process.env;
  const envUrl = env.DATABASE_URL;
  if ((options.fromEnv ?? true) && envUrl !== undefined && envUrl !== '') {
    const refuse = async (): Promise<never> => {
      throw new HarnessUsageError(
        'postgres',
        'cannot halt or restart a server the harness did not start (DATABASE_URL is set); pass { fromEnv: false }',
      );
    };
    return { ...externalHandle(envUrl, 5432), running: true, halt: refuse, restart: refuse };
  }

  const binDirs = options.binDir !== undefined ? [options.binDir] : await postgresBinDirs();
  let initdb: string;
  let postgres: string;
  try {
    initdb = await findBinary('initdb', binDirs);
    postgres = await findBinary('postgres', binDirs);
  } catch (error) {
    if (error instanceof BinaryNotFoundError)
      throw new BinaryNotFoundError(error.binary, ['/usr/lib/postgresql/*/bin']);
    throw error;
  }
  const account = await serverAccount();
  const dir = await makeTempDir('pg', account);
  const dataDir = join(dir, 'data');
  const childEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: dir };

  try {
    await execFileAsync(
      initdb,
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
        '--no-sync',
        '--no-instructions',
      ],
      { uid: account?.uid, gid: account?.gid, env: childEnv, cwd: dir, timeout: 60_000, signal: options.signal },
    );
  } catch (error) {
    await removeTempDir(dir);
    const output = error as { stdout?: string; stderr?: string; message?: string };
    throw new InfraStartError(
      'postgres',
      'initdb failed',
      `${output.stdout ?? ''}${output.stderr ?? output.message ?? ''}`,
      {
        cause: error,
      },
    );
  }

  const launch = async (onPort: number): Promise<ManagedProcess> =>
    await ManagedProcess.start({
      name: 'postgres',
      command: postgres,
      args: [
        '-D',
        dataDir,
        '-p',
        String(onPort),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        // Throwaway data: trade durability for start and commit speed.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      uid: account?.uid,
      gid: account?.gid,
      env: childEnv,
      cwd: dir,
      readyPattern: READY,
      readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
      signal: options.signal,
    });
  const bindClash = (error: unknown): boolean =>
    error instanceof InfraStartError && /already in use|could not bind/i.test(error.logTail);

  let proc: ManagedProcess | undefined;
  let port = 0;
  for (let attempt = 1; proc === undefined; attempt++) {
    port = await freePort();
    try {
      proc = await launch(port);
    } catch (error) {
      if (!bindClash(error) || attempt >= 3) {
        await removeTempDir(dir);
        throw error;
      }
    }
  }
  let current: ManagedProcess = proc;
  let stopped = false;
  // SIGINT is postgres' "fast shutdown": roll back open transactions, disconnect, exit.
  const halt = async (): Promise<void> => {
    await current.stop({ signal: 'SIGINT', graceMs: 5000 });
  };
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await halt();
    await removeTempDir(dir);
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    host: '127.0.0.1',
    port,
    external: false,
    get pid() {
      return current.running ? current.pid : undefined;
    },
    get running() {
      return current.running;
    },
    halt,
    restart: async () => {
      if (stopped) throw new HarnessUsageError('postgres', 'restart() after stop()');
      await halt();
      // The port was ours a moment ago; the kernel may hold it briefly, so retry the bind.
      for (let attempt = 1; ; attempt++) {
        try {
          current = await launch(port);
          return;
        } catch (error) {
          if (!bindClash(error) || attempt >= 10) throw error;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
