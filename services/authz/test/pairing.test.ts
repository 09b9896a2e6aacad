// Every scenario of corpus/pairing-scenarios.json that applies to a database-backed service, and
// every pairing limit of the seed, against real Postgres + Redis, time moved by an injected clock.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type Timestamp, timestampMs } from '@bufbuild/protobuf/wkt';
import { authzv1 } from '@hermes/proto';
import postgres from 'postgres';
import { type AuthzCluster, HOUR, MIN, P, startCluster } from './authz-harness.ts';

const RC = authzv1.RequestCodeOutcome;
const AO = authzv1.ApproveOutcome;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

let cluster: AuthzCluster;
let sql: postgres.Sql;

before(async () => {
  cluster = await startCluster();
  sql = postgres(cluster.db.url, { max: 2, onnotice: () => {} });
});
after(async () => {
  await sql?.end();
  await cluster?.close();
});
// Each test starts from an empty pairing state and a fresh hour (rate limits and lockouts in Redis
// are keyed by platform/user; moving the clock two hours ahead expires everything the last test left).
beforeEach(async () => {
  await sql`delete from authz.pending_requests`;
  await sql`delete from authz.approved_users`;
  cluster.clock.advance(2 * HOUR + 1);
});

const c = () => cluster.client;
const ms = (t: Timestamp | undefined): number => (t ? timestampMs(t) : Number.NaN);

async function issue(platform: number, userId: string, displayName = ''): Promise<string> {
  const r = await c().requestCode({ platform, userId, displayName });
  assert.equal(r.outcome, RC.ISSUED, `expected a code for ${userId}, got ${RC[r.outcome]}`);
  return r.code;
}

async function isApproved(platform: number, userId: string): Promise<boolean> {
  const r = await c().check({ platform, userId, chatType: authzv1.ChatType.DM });
  return r.allowed && r.rule === authzv1.Rule.PAIRING_APPROVED;
}

/** A well-formed code that is not `except`. */
function wrongCode(except: readonly string[] = []): string {
  for (const ch of ALPHABET) {
    const code = ch.repeat(8);
    if (!except.includes(code)) return code;
  }
  throw new Error('unreachable');
}

describe('code format and storage', () => {
  test('code format: 8 characters from the alphabet, expiry one hour out', async () => {
    const r = await c().requestCode({ platform: P.telegram, userId: 'user1', displayName: 'Alice' });
    assert.equal(r.outcome, RC.ISSUED);
    assert.match(r.code, /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
    assert.equal(ms(r.expiresAt), cluster.clock.now + HOUR);
  });

  test('codes are distinct, salts unique, the plaintext is stored nowhere', async () => {
    const codes = [
      await issue(P.telegram, 'user0'),
      await issue(P.telegram, 'user1'),
      await issue(P.telegram, 'user2'),
    ];
    assert.equal(new Set(codes).size, 3);
    const rows = await sql`select * from authz.pending_requests`;
    assert.equal(rows.length, 3);
    assert.equal(new Set(rows.map((r) => r.salt)).size, 3);
    for (const r of rows) {
      assert.match(r.code_hash, /^[0-9a-f]{64}$/);
      assert.match(r.salt, /^[0-9a-f]{32}$/);
      assert.match(r.request_id, /^[0-9a-f]{16}$/);
    }
    const dump = JSON.stringify(rows);
    for (const code of codes) assert.ok(!dump.includes(code) && !dump.includes(code.toLowerCase()));
  });

  test('pending entry shape in List: user and name, no code', async () => {
    const code = await issue(P.telegram, 'user1', 'Alice');
    const list = await c().list({ platform: P.telegram });
    assert.equal(list.pending.length, 1);
    const [p] = list.pending;
    assert.equal(p?.userId, 'user1');
    assert.equal(p?.displayName, 'Alice');
    assert.match(p?.requestId ?? '', /^[0-9a-f]{16}$/);
    assert.ok(!JSON.stringify(list, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).includes(code));
  });
});

describe('request rate limit: 1 per user per 10 minutes', () => {
  test('same user is rate limited, with the time they may retry', async () => {
    await issue(P.telegram, 'user1');
    const again = await c().requestCode({ platform: P.telegram, userId: 'user1' });
    assert.equal(again.outcome, RC.RATE_LIMITED);
    assert.equal(again.code, '');
    assert.equal(ms(again.retryAfter), cluster.clock.now + 10 * MIN);
  });

  test('different users are not rate limited', async () => {
    await issue(P.telegram, 'user1');
    await issue(P.telegram, 'user2');
  });

  test('the limit holds at 9:59 and ends at 10:01 with a new code replacing the old', async () => {
    const a = await issue(P.telegram, 'user1');
    cluster.clock.advance(10 * MIN - 1000);
    assert.equal((await c().requestCode({ platform: P.telegram, userId: 'user1' })).outcome, RC.RATE_LIMITED);
    cluster.clock.advance(2000);
    const b = await issue(P.telegram, 'user1');
    assert.notEqual(a, b);
    // One live code per user: the old one no longer approves.
    assert.equal((await c().approve({ platform: P.telegram, code: a })).approved, false);
    assert.equal((await c().approve({ platform: P.telegram, code: b })).userId, 'user1');
  });
});

describe('at most 3 pending codes per platform', () => {
  test('the fourth is refused; platforms are independent', async () => {
    for (const u of ['user0', 'user1', 'user2']) await issue(P.telegram, u);
    const fourth = await c().requestCode({ platform: P.telegram, userId: 'user3' });
    assert.equal(fourth.outcome, RC.PLATFORM_FULL);
    assert.equal(fourth.code, '');
    await issue(P.discord, 'user0');
  });

  test('an expired code frees its slot', async () => {
    for (const u of ['user0', 'user1', 'user2']) await issue(P.telegram, u);
    cluster.clock.advance(HOUR + 1);
    await issue(P.telegram, 'user3');
  });
});

describe('approval', () => {
  test('approve valid code: user approved, pending gone', async () => {
    const code = await issue(P.telegram, 'user1', 'Alice');
    const r = await c().approve({ platform: P.telegram, code });
    assert.deepEqual([r.approved, r.outcome, r.userId, r.displayName], [true, AO.APPROVED, 'user1', 'Alice']);
    assert.equal(await isApproved(P.telegram, 'user1'), true);
    assert.deepEqual((await c().list({ platform: P.telegram })).pending, []);
    const again = await c().requestCode({ platform: P.telegram, userId: 'user1' });
    assert.equal(again.outcome, RC.ALREADY_APPROVED);
  });

  test('approve is case-insensitive and ignores spaces and dashes', async () => {
    const code = await issue(P.telegram, 'user1', 'Alice');
    const typed = `  ${code.slice(0, 4).toLowerCase()}-${code.slice(4).toLowerCase()}  `;
    const r = await c().approve({ platform: P.telegram, code: typed });
    assert.equal(r.userId, 'user1');
  });

  test('wrong, expired and other-platform codes all answer the same WRONG_CODE', async () => {
    const code = await issue(P.telegram, 'user1');
    const wrong = await c().approve({ platform: P.telegram, code: wrongCode([code]) });
    const otherPlatform = await c().approve({ platform: P.discord, code });
    cluster.clock.advance(HOUR + 1);
    const expired = await c().approve({ platform: P.telegram, code });
    for (const r of [wrong, otherPlatform, expired]) {
      assert.equal(r.approved, false);
      assert.equal(r.outcome, AO.WRONG_CODE);
      assert.equal(r.userId, '');
    }
    assert.equal(await isApproved(P.telegram, 'user1'), false);
  });

  test('expired code is pruned from List and cannot be approved', async () => {
    const code = await issue(P.telegram, 'user1');
    cluster.clock.advance(HOUR - 1000);
    assert.equal((await c().list({ platform: P.telegram })).pending.length, 1);
    cluster.clock.advance(1001);
    assert.deepEqual((await c().list({ platform: P.telegram })).pending, []);
    assert.equal((await c().approve({ platform: P.telegram, code })).approved, false);
    assert.equal((await sql`select count(*)::int as n from authz.pending_requests`)[0]?.n, 0);
  });

  test('malformed codes are INVALID_ARGUMENT and do not count toward the lockout', async () => {
    for (const code of ['WRONG', 'INVALIDCODE', 'ABCDEFG0', '', "'; drop table x;--"]) {
      await assert.rejects(c().approve({ platform: P.telegram, code }), { code: 3 });
    }
    for (let i = 0; i < 4; i++) await c().approve({ platform: P.telegram, code: wrongCode() });
    const code = await issue(P.telegram, 'u1');
    assert.equal((await c().approve({ platform: P.telegram, code })).approved, true);
  });

  test('unknown user not approved', async () => {
    assert.equal(await isApproved(P.telegram, 'nonexistent'), false);
  });

  test('approve by server-side request id (admin surface), not gated by the lockout', async () => {
    await issue(P.telegram, 'u1');
    const [pending] = (await c().list({ platform: P.telegram })).pending;
    for (let i = 0; i < 5; i++) await c().approve({ platform: P.telegram, code: wrongCode() });
    const r = await c().approve({ platform: P.telegram, requestId: pending?.requestId ?? '' });
    assert.equal(r.userId, 'u1');
    assert.equal((await c().approve({ platform: P.telegram, requestId: '0123456789abcdef' })).approved, false);
    await assert.rejects(c().approve({ platform: P.telegram, requestId: 'nothex' }), { code: 3 });
    await assert.rejects(c().approve({ platform: P.telegram, requestId: '0123456789abcdef', code: 'ABCDEFGH' }), {
      code: 3,
    });
  });
});

describe('5 failed approvals → 1 hour lockout', () => {
  test('lockout after 5 failures blocks code generation', async () => {
    for (let i = 0; i < 4; i++) {
      assert.equal((await c().approve({ platform: P.telegram, code: wrongCode() })).outcome, AO.WRONG_CODE);
    }
    assert.equal((await c().requestCode({ platform: P.telegram, userId: 'early' })).outcome, RC.ISSUED);
    assert.equal((await c().approve({ platform: P.telegram, code: wrongCode() })).outcome, AO.WRONG_CODE);
    const r = await c().requestCode({ platform: P.telegram, userId: 'newuser' });
    assert.equal(r.outcome, RC.LOCKED_OUT);
    assert.equal(ms(r.retryAfter), cluster.clock.now + HOUR);
    // Per platform: discord is unaffected.
    await issue(P.discord, 'newuser');
  });

  test('lockout also gates approval of an already-issued valid code (Hermes #10195)', async () => {
    const v = await issue(P.telegram, 'attacker', 'Attacker');
    for (let i = 0; i < 5; i++) await c().approve({ platform: P.telegram, code: wrongCode([v]) });
    const blocked = await c().approve({ platform: P.telegram, code: v });
    assert.equal(blocked.outcome, AO.LOCKED_OUT);
    assert.equal(blocked.approved, false);
    assert.equal(await isApproved(P.telegram, 'attacker'), false);
    // The corpus note: move only the lockout clock (code V would otherwise expire with it), i.e.
    // rewrite the lockout key as Hermes' test does.
    assert.equal(await cluster.redis.del(`${cluster.keyPrefix}lockout:telegram`), true);
    const r = await c().approve({ platform: P.telegram, code: v });
    assert.equal(r.userId, 'attacker');
    assert.equal(await isApproved(P.telegram, 'attacker'), true);
  });

  test('lockout expires after one hour (and not a second earlier)', async () => {
    for (let i = 0; i < 5; i++) await c().approve({ platform: P.telegram, code: wrongCode() });
    cluster.clock.advance(HOUR - 1000);
    assert.equal((await c().requestCode({ platform: P.telegram, userId: 'u1' })).outcome, RC.LOCKED_OUT);
    assert.equal((await c().approve({ platform: P.telegram, code: wrongCode() })).outcome, AO.LOCKED_OUT);
    cluster.clock.advance(1001);
    const code = await issue(P.telegram, 'u1');
    assert.equal((await c().approve({ platform: P.telegram, code })).approved, true);
  });

  test('a success resets the consecutive-failure streak', async () => {
    const a = await issue(P.telegram, 'u1');
    for (let i = 0; i < 4; i++) await c().approve({ platform: P.telegram, code: wrongCode([a]) });
    assert.equal((await c().approve({ platform: P.telegram, code: a })).userId, 'u1');
    for (let i = 0; i < 4; i++) await c().approve({ platform: P.telegram, code: wrongCode([a]) });
    assert.equal((await c().requestCode({ platform: P.telegram, userId: 'u2' })).outcome, RC.ISSUED);
  });

  test('concurrent guesses cannot exceed five before the lockout', async () => {
    const code = await issue(P.telegram, 'victim');
    const results = await Promise.all(
      Array.from({ length: 12 }, () => c().approve({ platform: P.telegram, code: wrongCode([code]) })),
    );
    assert.equal(results.filter((r) => r.outcome === AO.WRONG_CODE).length, 5);
    assert.equal(results.filter((r) => r.outcome === AO.LOCKED_OUT).length, 7);
  });
});

describe('revoke, list, clear-pending', () => {
  test('revoke removes an approved user; revoking nobody answers false', async () => {
    const code = await issue(P.telegram, 'user1', 'Alice');
    await c().approve({ platform: P.telegram, code });
    assert.equal(await isApproved(P.telegram, 'user1'), true);
    assert.equal((await c().revoke({ platform: P.telegram, userId: 'user1' })).revoked, true);
    assert.equal(await isApproved(P.telegram, 'user1'), false);
    assert.equal((await c().revoke({ platform: P.telegram, userId: 'nobody' })).revoked, false);
  });

  test('list approved across platforms, then clear pending everywhere', async () => {
    await c().approve({ platform: P.telegram, code: await issue(P.telegram, 'user1') });
    await c().approve({ platform: P.discord, code: await issue(P.discord, 'user2') });
    const all = await c().list({});
    assert.deepEqual(
      all.approved.map((a) => [a.platform, a.userId]).sort(),
      [
        [P.telegram, 'user1'],
        [P.discord, 'user2'],
      ].sort(),
    );
    await issue(P.telegram, 'user3');
    await issue(P.discord, 'user4');
    assert.equal((await c().list({ platform: P.discord })).pending.length, 1);
    assert.equal((await c().clearPending({})).cleared, 2);
    assert.deepEqual((await c().list({})).pending, []);
  });

  test('clear-pending for one platform leaves the others', async () => {
    await issue(P.telegram, 'a');
    await issue(P.slack, 'b');
    assert.equal((await c().clearPending({ platform: P.telegram })).cleared, 1);
    assert.deepEqual(
      (await c().list({})).pending.map((p) => p.userId),
      ['b'],
    );
  });
});
