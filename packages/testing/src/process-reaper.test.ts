import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { isRunning, processGroupMembers } from './process-info.ts';

const startRedisUrl = new URL('./start-redis.ts', import.meta.url).href;

/**
 * Runs a node process that starts redis-server, prints its pid, then ends the way `ending` says
 * without calling stop(). Returns the redis pid.
 */
async function orphanRedis(ending: string): Promise<number> {
  const script = `
    const { startRedis } = await import(${JSON.stringify(startRedisUrl)});
    const redis = await startRedis({ fromEnv: false });
    process.stdout.write(redis.pid + '\\n');
    ${ending}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk.toString();
  });
  await new Promise((resolve) => child.once('exit', resolve));
  const pid = Number(out.trim().split('\n')[0]);
  assert.ok(Number.isInteger(pid) && pid > 0, `child printed no pid: ${JSON.stringify(out)}`);
  return pid;
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!(await isRunning(pid)) && (await processGroupMembers(pid)).length === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

test('a test process that exits without stop() takes its servers with it', async () => {
  const pid = await orphanRedis('process.exit(0);');
  assert.equal(await gone(pid, 2000), true);
});

test('an uncaught error does not leave servers behind', async () => {
  const pid = await orphanRedis("throw new Error('test blew up');");
  assert.equal(await gone(pid, 2000), true);
});

test('SIGTERM (node --test timeout, Ctrl-C) does not leave servers behind', async () => {
  const pid = await orphanRedis("process.kill(process.pid, 'SIGTERM'); await new Promise(() => {});");
  assert.equal(await gone(pid, 2000), true);
});

test('even SIGKILL of the test process: the watchdog reaps its servers', async () => {
  const pid = await orphanRedis("process.kill(process.pid, 'SIGKILL');");
  // The watchdog polls once a second.
  assert.equal(await gone(pid, 5000), true);
});
