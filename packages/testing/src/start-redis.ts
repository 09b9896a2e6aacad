import { InfraStartError } from './errors.ts';
import { findBinary } from './find-binary.ts';
import { freePort } from './free-port.ts';
import { ManagedProcess } from './managed-process.ts';
import { externalHandle, type ServiceHandle, type StartOptions } from './service-handle.ts';
import { makeTempDir, removeTempDir } from './temp-dir.ts';

const READY = /Ready to accept connections/;

/**
 * Starts `redis-server` on 127.0.0.1 with persistence off (`--save '' --appendonly no`: test data
 * is throwaway), or returns a handle to `REDIS_URL` when set.
 */
export async function startRedis(options: StartOptions = {}): Promise<ServiceHandle> {
  const env = options.env ?? process.env;
  const envUrl = env.REDIS_URL;
  if ((options.fromEnv ?? true) && envUrl !== undefined && envUrl !== '') return externalHandle(envUrl, 6379);

  const binary = await findBinary('redis-server');
  const dir = await makeTempDir('redis');
  let proc: ManagedProcess | undefined;
  let port = 0;
  for (let attempt = 1; proc === undefined; attempt++) {
    port = await freePort();
    try {
      proc = await ManagedProcess.start({
        name: 'redis-server',
        command: binary,
        args: [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
          '--dir',
          dir,
          '--protected-mode',
          'yes',
        ],
        cwd: dir,
        readyPattern: READY,
        readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
        signal: options.signal,
      });
    } catch (error) {
      const clash = error instanceof InfraStartError && /address already in use/i.test(error.logTail);
      if (!clash || attempt >= 3) {
        await removeTempDir(dir);
        throw error;
      }
    }
  }
  const running = proc;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await running.stop({ signal: 'SIGTERM', graceMs: 3000 });
    await removeTempDir(dir);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    external: false,
    pid: running.pid,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
