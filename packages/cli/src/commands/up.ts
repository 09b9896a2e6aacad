import { runPlatformProcess } from '@hermes/platform';
import type { CliIo } from '../cli-io.ts';
import { SERVICE_MODULES } from '../service-modules.ts';

export const upHelp = `Usage: hermes up

Starts every service in this process on loopback: the in-process bus unless NATS_URL is set,
embedded Postgres (PGlite, under $HERMES_HOME/data) unless DATABASE_URL is set, and in-memory
state unless REDIS_URL is set. Prints the endpoints; Ctrl-C stops it cleanly.`;

export async function runUp(argv: readonly string[], io: CliIo, signals: NodeJS.EventEmitter): Promise<number> {
  if (argv.length > 0) {
    io.stderr.write(`hermes up: unexpected argument '${argv[0]}'\n\n${upHelp}\n`);
    return 64;
  }
  return runPlatformProcess({
    env: io.env,
    modules: Object.values(SERVICE_MODULES),
    mode: 'up',
    io: { stdout: io.stdout, stderr: io.stderr, signals },
  });
}
