import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTtlStore } from './memory-ttl-store.ts';
import { ttlStoreContract } from './ttl-store.contract.ts';

function clock(): { now: () => number; advance: (ms: number) => Promise<void> } {
  let t = 1_700_000_000_000;
  return {
    now: () => t,
    advance: async (ms) => {
      t += ms;
    },
  };
}

ttlStoreContract('memory', async () => {
  const c = clock();
  const store = new MemoryTtlStore({ now: c.now });
  return { store, advance: c.advance, [Symbol.asyncDispose]: () => store.close() };
});

test('memory store sweeps expired keys on a later write, bounding memory', async () => {
  const c = clock();
  const store = new MemoryTtlStore({ now: c.now, sweepIntervalMs: 1000 });
  for (let i = 0; i < 100; i++) await store.set(`k${i}`, 'v', { ttlMs: 500 });
  await store.set('keep', 'v');
  assert.equal(store.size, 101);
  await c.advance(1000);
  await store.set('trigger', 'v');
  assert.equal(store.size, 2);
});

test('memory store sweep() reports how many expired entries it removed', async () => {
  const c = clock();
  const store = new MemoryTtlStore({ now: c.now });
  await store.set('a', '1', { ttlMs: 10 });
  await store.set('b', '2', { ttlMs: 1000 });
  await c.advance(10);
  assert.equal(store.sweep(), 1);
  assert.equal(await store.get('b'), '2');
});
