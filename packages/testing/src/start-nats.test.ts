import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { connect } from 'node:net';
import { test } from 'node:test';
import { HarnessUsageError } from './errors.ts';
import { isRunning, processGroupMembers } from './process-info.ts';
import { startNats } from './start-nats.ts';

/** Reads the INFO line a NATS server sends on connect; undefined when nothing listens. */
async function natsInfo(port: number): Promise<Record<string, unknown> | undefined> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = '';
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      const line = buffer.split('\r\n')[0];
      if (line?.startsWith('INFO ') && buffer.includes('\r\n')) {
        socket.destroy();
        resolve(JSON.parse(line.slice(5)) as Record<string, unknown>);
      }
    });
    socket.on('error', () => resolve(undefined));
  });
}

test('startNats runs a JetStream server that kill() crashes and restart() revives on the same port', async () => {
  await using nats = await startNats({ fromEnv: false });
  assert.equal(nats.external, false);
  assert.equal(nats.url, `nats://127.0.0.1:${nats.port}`);
  const info = await natsInfo(nats.port);
  assert.equal(info?.jetstream, true);
  const firstPid = nats.pid;
  assert.ok(firstPid !== undefined);

  await nats.kill();
  assert.equal(nats.running, false);
  assert.equal(await natsInfo(nats.port), undefined, 'port still answers after kill()');

  await nats.restart();
  assert.equal(nats.running, true);
  assert.notEqual(nats.pid, firstPid);
  assert.equal((await natsInfo(nats.port))?.jetstream, true);
});

test('stop() is idempotent, leaves no process behind and removes the store dir', async () => {
  const nats = await startNats({ fromEnv: false });
  const pid = nats.pid!;
  const storeDir = nats.storeDir!;
  await nats.stop();
  await nats.stop();
  assert.equal(await isRunning(pid), false);
  assert.deepEqual(await processGroupMembers(pid), []);
  await assert.rejects(access(storeDir));
  await assert.rejects(nats.restart(), HarnessUsageError);
});

test('with NATS_URL set, the handle points there and refuses to kill it', async () => {
  const nats = await startNats({ env: { NATS_URL: 'nats://10.1.2.3:4333' } });
  assert.equal(nats.external, true);
  assert.equal(nats.port, 4333);
  assert.equal(nats.url, 'nats://10.1.2.3:4333');
  await assert.rejects(nats.kill(), HarnessUsageError);
  await nats.stop();
});

test('JetStream can be turned off', async () => {
  await using nats = await startNats({ fromEnv: false, jetstream: false });
  const info = await natsInfo(nats.port);
  assert.notEqual(info?.jetstream, true);
  assert.equal(nats.storeDir, undefined);
});
