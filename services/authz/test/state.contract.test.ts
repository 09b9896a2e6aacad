// One contract suite per port (HOUSE_STYLE rule 7), run against every adapter: the pairing store on
// real Postgres and on embedded PGlite, the pairing limits on Redis and on the memory TTL store.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type Database,
  MemoryTtlStore,
  migrate,
  openDatabase,
  openRedisTtlStore,
  type TtlStore,
} from '@hermes/storage';
import { createTestDatabase, type TestDatabase } from '@hermes/testing';
import { PgPairingStore } from '../src/adapters/pg-pairing-store.ts';
import { TtlPairingLimits } from '../src/adapters/ttl-pairing-limits.ts';
import { PAIRING_LIMITS } from '../src/domain/limits.ts';
import { hashCode, newRequestId } from '../src/domain/pairing-code.ts';
import type { PendingRecord } from '../src/ports/pairing-store.ts';
import { HOUR, MIN, requireEnv, TestClock } from './authz-harness.ts';

const migrations = fileURLToPath(new URL('../migrations', import.meta.url));

function pending(platform: string, userId: string, now: number): PendingRecord {
  return {
    requestId: newRequestId(),
    platform,
    userId,
    displayName: `N ${userId}`,
    code: hashCode('ABCDEFGH'),
    createdAt: now,
    expiresAt: now + HOUR,
  };
}

const databases: Record<string, () => Promise<{ db: Database; drop: () => Promise<void> }>> = {
  postgres: async () => {
    const t: TestDatabase = await createTestDatabase(requireEnv('DATABASE_URL'));
    const db = await openDatabase({ url: t.url });
    const drop = async (): Promise<void> => {
      await db.close();
      await t.drop();
    };
    return { db, drop };
  },
  pglite: async () => {
    const db = await openDatabase();
    return { db, drop: () => db.close() };
  },
};

for (const [name, open] of Object.entries(databases)) {
  describe(`PairingStore contract: ${name}`, () => {
    let handle: { db: Database; drop: () => Promise<void> };
    let store: PgPairingStore;
    const now = Date.parse('2026-03-01T12:00:00Z');
    before(async () => {
      handle = await open();
      await migrate(handle.db.sql, { schema: 'authz', migrations });
      store = new PgPairingStore(handle.db.sql);
    });
    after(() => handle?.drop());

    test('pending: insert replaces the same user, expiry hides and prunes', async () => {
      await store.withPlatformLock('telegram', async (tx) => {
        await tx.insertPending(pending('telegram', 'a', now));
        await tx.insertPending(pending('telegram', 'a', now + 1));
        await tx.insertPending(pending('telegram', 'b', now + 2));
        assert.deepEqual(
          (await tx.pending('telegram', now + 10)).map((p) => p.userId),
          ['a', 'b'],
        );
        assert.equal((await tx.pending('telegram', now + 1 + HOUR)).length, 1);
        assert.equal(await tx.pruneExpired('telegram', now + 1 + HOUR), 1);
      });
      assert.equal((await store.listPending(undefined, now)).length, 1);
      assert.equal(await store.clearPending('telegram', now), 1);
    });

    test('approve is idempotent and removes pending; revoke returns the record once', async () => {
      await store.withPlatformLock('slack', async (tx) => {
        await tx.insertPending(pending('slack', 'U1', now));
        await tx.approve({ platform: 'slack', userId: 'U1', displayName: 'One', approvedAt: now });
        await tx.approve({ platform: 'slack', userId: 'U1', displayName: 'One again', approvedAt: now + 5 });
        assert.equal(await tx.isApproved('slack', 'U1'), true);
        assert.equal((await tx.pending('slack', now)).length, 0);
      });
      assert.equal(await store.isApproved('slack', 'U1'), true);
      assert.equal(await store.isApproved('telegram', 'U1'), false);
      assert.deepEqual(
        (await store.listApproved('slack')).map((a) => [a.userId, a.displayName, a.approvedAt]),
        [['U1', 'One again', now + 5]],
      );
      assert.equal((await store.revoke('slack', 'U1'))?.userId, 'U1');
      assert.equal(await store.revoke('slack', 'U1'), undefined);
    });

    test('the platform lock serializes read-check-write across concurrent callers', async () => {
      // Ten callers each read the count and insert only if fewer than 3: exactly 3 rows may result.
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.withPlatformLock('discord', async (tx) => {
            if ((await tx.pending('discord', now)).length < PAIRING_LIMITS.maxPendingPerPlatform) {
              await tx.insertPending(pending('discord', `u${i}`, now));
            }
          }),
        ),
      );
      assert.equal((await store.listPending('discord', now)).length, 3);
    });

    test('a failure inside the lock rolls back and passes through unchanged', async () => {
      const boom = new Error('boom');
      await assert.rejects(
        store.withPlatformLock('signal', async (tx) => {
          await tx.insertPending(pending('signal', '+1', now));
          throw boom;
        }),
        (err) => err === boom,
      );
      assert.equal((await store.listPending('signal', now)).length, 0);
    });
  });
}

const ttlStores: Record<string, (clock: TestClock) => Promise<TtlStore>> = {
  redis: () => openRedisTtlStore(requireEnv('REDIS_URL')),
  memory: async (clock) => new MemoryTtlStore({ now: clock.read }),
};

for (const [name, open] of Object.entries(ttlStores)) {
  describe(`TtlPairingLimits contract: ${name}`, () => {
    const clock = new TestClock();
    let store: TtlStore;
    let limits: TtlPairingLimits;
    before(async () => {
      store = await open(clock);
      limits = new TtlPairingLimits(store, `test:authz:contract:${randomBytes(6).toString('hex')}:`);
    });
    after(() => store?.close());

    test('request rate limit: blocked for 10 minutes by the injected clock', async () => {
      const t = clock.now;
      await limits.recordRequest('telegram', 'u1', t);
      assert.equal(await limits.requestBlockedUntil('telegram', 'u1', t + 10 * MIN - 1), t + 10 * MIN);
      assert.equal(await limits.requestBlockedUntil('telegram', 'u1', t + 10 * MIN), undefined);
      assert.equal(await limits.requestBlockedUntil('telegram', 'u2', t), undefined);
    });

    test('fifth consecutive failure locks out for an hour and resets the streak', async () => {
      const t = clock.now;
      for (let i = 1; i <= 4; i++) assert.deepEqual(await limits.recordFailure('slack', t), { failures: i });
      assert.deepEqual(await limits.recordFailure('slack', t), { failures: 5, lockedUntil: t + HOUR });
      assert.equal(await limits.lockedUntil('slack', t + HOUR - 1), t + HOUR);
      assert.equal(await limits.lockedUntil('slack', t + HOUR), undefined);
      assert.equal(await limits.lockedUntil('discord', t), undefined);
      assert.deepEqual(await limits.recordFailure('slack', t + HOUR), { failures: 1 });
    });

    test('a success resets the streak; an old streak is forgotten', async () => {
      const t = clock.now;
      for (let i = 0; i < 4; i++) await limits.recordFailure('signal', t);
      await limits.resetFailures('signal');
      assert.deepEqual(await limits.recordFailure('signal', t), { failures: 1 });
      assert.deepEqual(await limits.recordFailure('signal', t + PAIRING_LIMITS.failureMemoryMs), { failures: 1 });
    });
  });
}
