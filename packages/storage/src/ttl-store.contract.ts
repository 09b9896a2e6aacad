/**
 * The ONE contract every TtlStore adapter passes (HOUSE_STYLE rule 7). Run by
 * memory-ttl-store.test.ts and redis-ttl-store.test.ts. `advance` moves time: the memory adapter
 * moves its injected clock, Redis really sleeps, so TTLs here are short but not razor-thin.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidIncrementError, InvalidTtlError, NotAnIntegerError } from './errors.ts';
import type { TtlStore } from './ttl-store.ts';

export interface TtlStoreFixture {
  readonly store: TtlStore;
  advance(ms: number): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const TTL = 300;
const PAST_TTL = 450;

export function ttlStoreContract(adapter: string, fixture: () => Promise<TtlStoreFixture>): void {
  describe(`TtlStore contract: ${adapter}`, () => {
    test('missing keys read as undefined', async () => {
      await using f = await fixture();
      assert.equal(await f.store.get('nope'), undefined);
      assert.equal(await f.store.ttl('nope'), undefined);
      assert.equal(await f.store.take('nope'), undefined);
      assert.equal(await f.store.del('nope'), false);
      assert.equal(await f.store.expire('nope', 1000), false);
    });

    test('set and get round-trip, overwrite replaces', async () => {
      await using f = await fixture();
      assert.equal(await f.store.set('k:ü', 'one'), true);
      assert.equal(await f.store.get('k:ü'), 'one');
      assert.equal(await f.store.set('k:ü', 'two'), true);
      assert.equal(await f.store.get('k:ü'), 'two');
      assert.equal(await f.store.ttl('k:ü'), Number.POSITIVE_INFINITY);
    });

    test('a key with a TTL is visible until it expires, then gone', async () => {
      await using f = await fixture();
      await f.store.set('grant', 'yes', { ttlMs: TTL });
      assert.equal(await f.store.get('grant'), 'yes');
      const left = await f.store.ttl('grant');
      assert.ok(left !== undefined && left > 0 && left <= TTL, `ttl ${left}`);
      await f.advance(PAST_TTL);
      assert.equal(await f.store.get('grant'), undefined);
      assert.equal(await f.store.ttl('grant'), undefined);
      assert.equal(await f.store.take('grant'), undefined);
    });

    test('a plain set clears an earlier TTL', async () => {
      await using f = await fixture();
      await f.store.set('k', 'a', { ttlMs: TTL });
      await f.store.set('k', 'b');
      await f.advance(PAST_TTL);
      assert.equal(await f.store.get('k'), 'b');
    });

    test('onlyIfAbsent writes once, and again after expiry', async () => {
      await using f = await fixture();
      assert.equal(await f.store.set('pending', 'first', { onlyIfAbsent: true, ttlMs: TTL }), true);
      assert.equal(await f.store.set('pending', 'second', { onlyIfAbsent: true, ttlMs: TTL }), false);
      assert.equal(await f.store.get('pending'), 'first');
      await f.advance(PAST_TTL);
      assert.equal(await f.store.set('pending', 'third', { onlyIfAbsent: true }), true);
      assert.equal(await f.store.get('pending'), 'third');
    });

    test('del removes and reports whether it did', async () => {
      await using f = await fixture();
      await f.store.set('k', 'v');
      assert.equal(await f.store.del('k'), true);
      assert.equal(await f.store.get('k'), undefined);
      assert.equal(await f.store.del('k'), false);
    });

    test('incr counts from zero, supports by, and keeps integers', async () => {
      await using f = await fixture();
      assert.equal(await f.store.incr('hits'), 1);
      assert.equal(await f.store.incr('hits'), 2);
      assert.equal(await f.store.incr('hits', { by: 5 }), 7);
      assert.equal(await f.store.incr('hits', { by: -2 }), 5);
      assert.equal(await f.store.get('hits'), '5');
      assert.equal(await f.store.ttl('hits'), Number.POSITIVE_INFINITY);
    });

    test('incr sets the TTL on the first hit only (fixed window), then the counter expires', async () => {
      await using f = await fixture();
      assert.equal(await f.store.incr('rl', { ttlMs: TTL }), 1);
      await f.advance(TTL / 2);
      assert.equal(await f.store.incr('rl', { ttlMs: TTL }), 2);
      const left = await f.store.ttl('rl');
      // Not extended: at most half the window remains (plus scheduling slack).
      assert.ok(left !== undefined && left <= TTL / 2 + 20, `window was extended: ttl ${left}`);
      await f.advance(PAST_TTL - TTL / 2);
      assert.equal(await f.store.get('rl'), undefined);
      assert.equal(await f.store.incr('rl', { ttlMs: TTL }), 1);
    });

    test('incr on a non-integer value fails with NotAnIntegerError', async () => {
      await using f = await fixture();
      await f.store.set('word', 'hello');
      await assert.rejects(f.store.incr('word'), NotAnIntegerError);
      assert.equal(await f.store.get('word'), 'hello');
      await assert.rejects(f.store.incr('count', { by: 1.5 }), InvalidIncrementError);
      assert.equal(await f.store.get('count'), undefined);
    });

    test('concurrent incr loses no update', async () => {
      await using f = await fixture();
      const results = await Promise.all(Array.from({ length: 50 }, () => f.store.incr('race', { ttlMs: 60_000 })));
      assert.deepEqual(
        [...results].sort((a, b) => a - b),
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      assert.equal(await f.store.get('race'), '50');
    });

    test('take returns the value once: single-use under concurrency', async () => {
      await using f = await fixture();
      await f.store.set('nonce', 'n-1', { ttlMs: 60_000 });
      const takers = await Promise.all(Array.from({ length: 20 }, () => f.store.take('nonce')));
      assert.deepEqual(
        takers.filter((v) => v !== undefined),
        ['n-1'],
      );
      assert.equal(await f.store.get('nonce'), undefined);
    });

    test('expire sets a new TTL on an existing key', async () => {
      await using f = await fixture();
      await f.store.set('lock', 'x');
      assert.equal(await f.store.expire('lock', TTL), true);
      const left = await f.store.ttl('lock');
      assert.ok(left !== undefined && left > 0 && left <= TTL);
      await f.advance(PAST_TTL);
      assert.equal(await f.store.get('lock'), undefined);
    });

    test('non-positive or fractional TTLs are rejected', async () => {
      await using f = await fixture();
      for (const ttlMs of [0, -1, 1.5, Number.NaN]) {
        await assert.rejects(f.store.set('k', 'v', { ttlMs }), InvalidTtlError);
        await assert.rejects(f.store.incr('k', { ttlMs }), InvalidTtlError);
        await assert.rejects(f.store.expire('k', ttlMs), InvalidTtlError);
      }
      assert.equal(await f.store.get('k'), undefined);
    });
  });
}
