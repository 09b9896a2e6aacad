import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isRunning, processGroupMembers, startNats, startPostgres, startRedis } from '@hermes/testing';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = 'test/harness/fixtures/infra-env.fixture.ts';

/** Runs `node test/run-tests.ts <args>` with only `env` (no inherited *_URL) and collects output. */
async function runTests(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['test/run-tests.ts', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, out };
}

function baseEnv(): NodeJS.ProcessEnv {
  const { NATS_URL, DATABASE_URL, REDIS_URL, HERMES_TEST_INFRA, NODE_TEST_CONTEXT, ...rest } = process.env;
  return rest;
}

function startedPids(out: string): number[] {
  return [...out.matchAll(/^\[run-tests\] .* pid (\d+) started/gm)].map((m) => Number(m[1]));
}

test('run-tests starts NATS, Postgres and Redis, passes them to node --test, then stops them', async () => {
  const { code, out } = await runTests([fixture], baseEnv());
  assert.equal(code, 0, out);
  assert.match(out, /^ℹ pass 2$/m, 'node --test summary must pass through unchanged');
  const pids = startedPids(out);
  assert.equal(pids.length, 3, out);
  for (const pid of pids) {
    assert.equal(await isRunning(pid), false, `pid ${pid} still running`);
    assert.deepEqual(await processGroupMembers(pid), []);
  }
});

test("run-tests exits with the child's code when a test fails, and still cleans up", async () => {
  const { code, out } = await runTests([fixture], { ...baseEnv(), HERMES_FIXTURE_FAIL: '1' });
  assert.equal(code, 1, out);
  assert.match(out, /^ℹ fail 1$/m);
  for (const pid of startedPids(out)) assert.equal(await isRunning(pid), false);
});

test('run-tests reuses servers named by *_URL instead of starting its own', async () => {
  await using nats = await startNats();
  await using pg = await startPostgres();
  await using redis = await startRedis();
  const { code, out } = await runTests([fixture], {
    ...baseEnv(),
    NATS_URL: nats.url,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
  });
  assert.equal(code, 0, out);
  assert.equal(startedPids(out).length, 0, 'started servers although *_URL were set');
  assert.equal((out.match(/from (NATS|DATABASE|REDIS)_URL/g) ?? []).length, 3, out);
});

test('run-tests fails clearly and non-zero when infrastructure cannot start', async () => {
  const { code, out } = await runTests([fixture], { ...baseEnv(), TMPDIR: '/nonexistent/hermes-no-tmp' });
  assert.equal(code, 3, out);
  assert.match(out, /cannot provide the test infrastructure/);
  assert.match(out, /nats-server/);
  assert.doesNotMatch(out, /^ℹ pass/m, 'tests must not run without infrastructure');
});
