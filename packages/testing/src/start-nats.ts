import { HarnessUsageError, InfraStartError } from './errors.ts';
import { findBinary } from './find-binary.ts';
import { freePort } from './free-port.ts';
import { ManagedProcess } from './managed-process.ts';
import { externalHandle, type ServiceHandle, type StartOptions } from './service-handle.ts';
import { makeTempDir, removeTempDir } from './temp-dir.ts';

export interface StartNatsOptions extends StartOptions {
  /** Enable JetStream with a temp store dir (default true: the audit stream needs it). */
  readonly jetstream?: boolean;
  /** Fixed port; default a free one. */
  readonly port?: number;
}

/** A NATS server the test can crash and bring back on the same port (chaos tests). */
export interface NatsHandle extends ServiceHandle {
  /** JetStream store dir (kept across restart so streams survive); undefined when external. */
  readonly storeDir: string | undefined;
  /** True while the server process is up. */
  readonly running: boolean;
  /** SIGKILL, as a crash would (no graceful client drain). */
  kill(): Promise<void>;
  /** Starts it again on the same port and store dir; kills it first if still running. */
  restart(): Promise<void>;
}

const READY = /Server is ready/;
const START_ATTEMPTS = 3;

/**
 * Starts a local `nats-server` on 127.0.0.1 (JetStream on by default) or, when `NATS_URL` is set
 * and `fromEnv` is not false, returns a handle to that server instead.
 */
export async function startNats(options: StartNatsOptions = {}): Promise<NatsHandle> {
  const env = options.env ?? process.env;
  const fromEnv = options.fromEnv ?? true;
  const envUrl = env.NATS_URL;
  if (fromEnv && envUrl !== undefined && envUrl !== '') {
    const base = externalHandle(envUrl, 4222);
    const refuse = async (): Promise<never> => {
      throw new HarnessUsageError(
        'nats-server',
        'cannot kill or restart a server the harness did not start (NATS_URL is set); pass { fromEnv: false }',
      );
    };
    return { ...base, storeDir: undefined, running: true, kill: refuse, restart: refuse };
  }

  const binary = await findBinary('nats-server');
  const jetstream = options.jetstream ?? true;
  const dir = await makeTempDir('nats');
  const storeDir = jetstream ? dir : undefined;
  let port = options.port ?? (await freePort());
  let proc: ManagedProcess | undefined;
  let stopped = false;

  const launch = async (): Promise<ManagedProcess> => {
    const args = ['-a', '127.0.0.1', '-p', String(port), '--no_advertise'];
    if (storeDir !== undefined) args.push('-js', '-sd', storeDir);
    return await ManagedProcess.start({
      name: 'nats-server',
      command: binary,
      args,
      readyPattern: READY,
      readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
      signal: options.signal,
    });
  };

  for (let attempt = 1; ; attempt++) {
    try {
      proc = await launch();
      break;
    } catch (error) {
      const clash = error instanceof InfraStartError && /address already in use/i.test(error.logTail);
      if (!clash || options.port !== undefined || attempt >= START_ATTEMPTS) {
        await removeTempDir(dir);
        throw error;
      }
      port = await freePort();
    }
  }

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await proc?.stop({ signal: 'SIGTERM', graceMs: 3000 });
    await removeTempDir(dir);
  };
  const handle: NatsHandle = {
    url: `nats://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    external: false,
    get pid() {
      return proc?.running ? proc.pid : undefined;
    },
    storeDir,
    get running() {
      return proc?.running ?? false;
    },
    kill: async () => {
      await proc?.kill();
    },
    restart: async () => {
      if (stopped) throw new HarnessUsageError('nats-server', 'restart() after stop()');
      await proc?.kill();
      // The kernel may hold the port briefly after a kill; retry the bind a few times.
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
  return handle;
}
