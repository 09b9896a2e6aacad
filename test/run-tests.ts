/**
 * Test-run orchestrator (issue #2 item 10): starts NATS (JetStream), Postgres and Redis once for
 * the whole run — unless NATS_URL / DATABASE_URL / REDIS_URL already name them — hands their URLs
 * to a child `node --test`, streams its output unchanged (CI reads the summary lines), stops
 * everything it started and exits with the child's code.
 *
 *   node test/run-tests.ts [node --test flags and globs...]
 *   node test/run-tests.ts --bench test/bench/x.bench.ts   (runs one benchmark script with the same infrastructure)
 */
import { spawn } from 'node:child_process';
import { type ServiceHandle, startNats, startPostgres, startRedis } from '@hermes/testing';

const DEFAULT_GLOBS = [
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'services/*/test/**/*.test.ts',
  'services/*/src/**/*.test.ts',
  'test/**/*.test.ts',
];
/** Exit code when infrastructure cannot be provided (distinct from a test failure's 1). */
const INFRA_FAILURE = 3;

function say(message: string): void {
  process.stderr.write(`[run-tests] ${message}\n`);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Infra {
  readonly name: string;
  readonly envKey: 'NATS_URL' | 'DATABASE_URL' | 'REDIS_URL';
  readonly start: () => Promise<ServiceHandle>;
}

const infra: readonly Infra[] = [
  { name: 'nats-server (JetStream)', envKey: 'NATS_URL', start: () => startNats({ jetstream: true }) },
  { name: 'postgres', envKey: 'DATABASE_URL', start: () => startPostgres() },
  { name: 'redis-server', envKey: 'REDIS_URL', start: () => startRedis() },
];

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const bench = args[0] === '--bench' ? args.slice(1) : undefined;
  const hasGlob = args.some((arg) => !arg.startsWith('-'));
  const testArgs = hasGlob ? args : [...args, ...DEFAULT_GLOBS];

  const started: ServiceHandle[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(started.map((handle) => handle.stop()));
  };

  const results = await Promise.allSettled(
    infra.map(async (item) => {
      const t0 = performance.now();
      const handle = await item.start();
      if (!handle.external) started.push(handle);
      const how = handle.external ? `from ${item.envKey}` : `started in ${Math.round(performance.now() - t0)} ms`;
      say(`${item.name}: ${handle.external ? '(external)' : `${handle.url} pid ${handle.pid}`} ${how}`);
      return { item, handle };
    }),
  );
  const failures = results.flatMap((result, i) =>
    result.status === 'rejected' ? [`${infra[i]?.name ?? '?'}: ${reason(result.reason)}`] : [],
  );
  if (failures.length > 0) {
    say('cannot provide the test infrastructure:');
    for (const failure of failures) say(`  ${failure}`);
    say('install the binaries (make setup) or set NATS_URL / DATABASE_URL / REDIS_URL to running servers');
    await stopAll();
    return INFRA_FAILURE;
  }

  const env: NodeJS.ProcessEnv = { ...process.env, HERMES_TEST_INFRA: '1' };
  for (const result of results) {
    if (result.status === 'fulfilled') env[result.value.item.envKey] = result.value.handle.url;
  }

  const child = spawn(process.execPath, bench ?? ['--test', ...testArgs], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => {
    child.once('error', (error) => {
      say(`cannot run node --test: ${reason(error)}`);
      resolve(1);
    });
    child.once('exit', (exitCode, signal) => {
      resolve(exitCode ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  await stopAll();
  return code;
}

process.exitCode = await main();
