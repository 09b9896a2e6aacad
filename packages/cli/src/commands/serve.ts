import { SERVICE_NAMES, type ServiceName, TERMINAL_BACKENDS } from '@hermes/config';
import { runPlatformProcess } from '@hermes/platform';
import type { CliIo } from '../cli-io.ts';
import { SERVICE_MODULES } from '../service-modules.ts';

export const serveHelp = `Usage: hermes serve <service> [--backend <name>]

Runs one service against NATS_URL, DATABASE_URL and REDIS_URL (distributed mode).
  <service>          one of: ${SERVICE_NAMES.join(', ')}
  --backend <name>   executor only: the backend this worker serves
                     (${TERMINAL_BACKENDS.join(', ')}); default terminal.backend`;

export async function runServe(argv: readonly string[], io: CliIo, signals: NodeJS.EventEmitter): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stderr.write(`${serveHelp}\n`);
    return name === undefined ? 64 : 0;
  }
  if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
    io.stderr.write(`hermes serve: unknown service '${name}'; expected one of ${SERVICE_NAMES.join(', ')}\n`);
    return 64;
  }
  const env = { ...io.env };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--backend' && name === 'executor') {
      const backend = rest[++i];
      if (!backend || !(TERMINAL_BACKENDS as readonly string[]).includes(backend)) {
        io.stderr.write(`hermes serve executor: --backend needs one of ${TERMINAL_BACKENDS.join(', ')}\n`);
        return 64;
      }
      // Same key as terminal.backend, so the flag and the config cannot disagree.
      env.TERMINAL_BACKEND = backend;
    } else {
      io.stderr.write(`hermes serve: unexpected argument '${arg}'\n\n${serveHelp}\n`);
      return 64;
    }
  }
  if (!env.NATS_URL) {
    io.stderr.write(
      'hermes serve: warning: NATS_URL is not set; other services cannot reach this one except over gRPC\n',
    );
  }
  return runPlatformProcess({
    env,
    modules: [SERVICE_MODULES[name as ServiceName]],
    mode: 'serve',
    io: { stdout: io.stdout, stderr: io.stderr, signals },
  });
}
