import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { isRunning, processGroupMembers } from './process-info.ts';
import { startRedis } from './start-redis.ts';

async function ping(port: number): Promise<string | undefined> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString().trim());
    });
    socket.once('error', () => resolve(undefined));
  });
}

test('startRedis answers PING and stop() leaves nothing behind', async () => {
  const redis = await startRedis({ fromEnv: false });
  const pid = redis.pid!;
  assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
  assert.equal(await ping(redis.port), '+PONG');
  await redis.stop();
  await redis.stop();
  assert.equal(await isRunning(pid), false);
  assert.deepEqual(await processGroupMembers(pid), []);
  assert.equal(await ping(redis.port), undefined);
});

test('with REDIS_URL set, nothing is started', async () => {
  const redis = await startRedis({ env: { REDIS_URL: 'redis://cache.internal:6390' } });
  assert.equal(redis.external, true);
  assert.equal(redis.pid, undefined);
  assert.equal(redis.port, 6390);
});
