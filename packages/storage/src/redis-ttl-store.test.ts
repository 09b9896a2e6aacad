import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type ServiceHandle, startRedis } from '@hermes/testing';
import { TtlStoreUnavailableError } from './errors.ts';
import { openRedisTtlStore } from './redis-ttl-store.ts';
import { ttlStoreContract } from './ttl-store.contract.ts';

let redis: ServiceHandle;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis.stop();
});

ttlStoreContract('redis', async () => {
  // A fresh prefix per test keeps tests independent on a shared REDIS_URL.
  const store = await openRedisTtlStore(redis.url, { keyPrefix: `test:${randomBytes(6).toString('hex')}:` });
  return {
    store,
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    [Symbol.asyncDispose]: () => store.close(),
  };
});

test('keyPrefix isolates two stores on the same Redis', async () => {
  await using a = await openRedisTtlStore(redis.url, { keyPrefix: `a${randomBytes(4).toString('hex')}:` });
  await using b = await openRedisTtlStore(redis.url, { keyPrefix: `b${randomBytes(4).toString('hex')}:` });
  await a.set('k', 'from-a');
  assert.equal(await b.get('k'), undefined);
  assert.equal(await a.get('k'), 'from-a');
});

test('an unreachable Redis fails fast without echoing the password', async () => {
  const error = await openRedisTtlStore('redis://hermes:hunter2-secret@127.0.0.1:1', {
    connectTimeoutSeconds: 2,
  }).then(
    () => assert.fail('connected to port 1'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TtlStoreUnavailableError);
  assert.doesNotMatch(error.message, /hunter2/);
  assert.match(error.message, /127\.0\.0\.1:1/);
});
