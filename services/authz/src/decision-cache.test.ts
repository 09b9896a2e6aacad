import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecisionCache } from './decision-cache.ts';

function cache(ttlMs = 1000, maxEntries = 100) {
  const clock = { now: 0 };
  return { clock, c: new DecisionCache({ ttlMs, maxEntries, now: () => clock.now }) };
}

test('stores and expires by the injected clock', () => {
  const { clock, c } = cache();
  const k = DecisionCache.key('telegram', '1');
  c.store(k, true, c.generation());
  assert.equal(c.get(k), true);
  clock.now = 999;
  assert.equal(c.get(k), true);
  clock.now = 1000;
  assert.equal(c.get(k), undefined);
});

test('a lookup that raced an invalidation is not stored (stale approval after revoke)', () => {
  const { c } = cache();
  const k = DecisionCache.key('telegram', '1');
  const gen = c.generation(); // lookup starts, reads "approved" from the store...
  c.invalidate(k); // ...a revoke lands meanwhile...
  c.store(k, true, gen); // ...and the stale answer arrives late.
  assert.equal(c.get(k), undefined);
});

test('invalidate drops one key; clear drops all', () => {
  const { c } = cache();
  const [a, b] = [DecisionCache.key('slack', 'a'), DecisionCache.key('slack', 'b')];
  c.store(a, false, c.generation());
  c.store(b, true, c.generation());
  c.invalidate(a);
  assert.deepEqual([c.get(a), c.get(b)], [undefined, true]);
  c.clear();
  assert.equal(c.size, 0);
});

test('disabled while invalidations cannot arrive; re-enabled empty', () => {
  const { c } = cache();
  const k = DecisionCache.key('discord', 'x');
  c.store(k, true, c.generation());
  c.setEnabled(false);
  assert.equal(c.get(k), undefined);
  c.store(k, true, c.generation());
  c.setEnabled(true);
  assert.equal(c.get(k), undefined);
});

test('bounded: the oldest entry goes first; ttl 0 caches nothing', () => {
  const { c } = cache(1000, 2);
  for (const u of ['1', '2', '3']) c.store(DecisionCache.key('t', u), true, c.generation());
  assert.equal(c.size, 2);
  assert.equal(c.get(DecisionCache.key('t', '1')), undefined);
  const off = cache(0).c;
  off.store('k', true, off.generation());
  assert.equal(off.get('k'), undefined);
});

test('keys of different platforms and users never collide', () => {
  assert.notEqual(DecisionCache.key('telegram', '1'), DecisionCache.key('telegram1', ''));
});
