import { runPlatformProcess } from './run-process.ts';
import type { ServiceModule } from './service-module.ts';

/** `services/<svc>/src/main.ts`: runs one service until SIGTERM, against NATS/Postgres/Redis from the environment. */
export function runStandalone(
  module: ServiceModule,
  _argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  return runPlatformProcess({
    env,
    modules: [module],
    mode: 'serve',
    io: { stdout: process.stdout, stderr: process.stderr, signals: process },
  });
}
