// Issue #5 acceptance: two authz replicas behind NATS share state (Postgres + Redis), and the
// Check cache of one replica hears approvals and revocations made through the other.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { authzv1 } from '@hermes/proto';
import { type AuthzCluster, P, startCluster } from './authz-harness.ts';

const DM = authzv1.ChatType.DM;
let cluster: AuthzCluster;

before(async () => {
  cluster = await startCluster({ replicas: 2 });
});
after(() => cluster?.close());

const a = () => cluster.replicas[0]!.client;
const b = () => cluster.replicas[1]!.client;

async function eventually(fn: () => Promise<boolean>, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return fn();
}

test('a code requested through one replica is approved through the other', async () => {
  const r = await a().requestCode({ platform: P.telegram, userId: 'shared1', displayName: 'Shared' });
  assert.equal(r.outcome, authzv1.RequestCodeOutcome.ISSUED);
  // The rate limit set by A holds on B.
  assert.equal(
    (await b().requestCode({ platform: P.telegram, userId: 'shared1' })).outcome,
    authzv1.RequestCodeOutcome.RATE_LIMITED,
  );
  const ok = await b().approve({ platform: P.telegram, code: r.code });
  assert.equal(ok.userId, 'shared1');
  assert.equal((await a().check({ platform: P.telegram, userId: 'shared1', chatType: DM })).allowed, true);
});

test('a lockout set through one replica holds on the other', async () => {
  for (let i = 0; i < 3; i++) await a().approve({ platform: P.slack, code: 'ZZZZZZZZ' });
  for (let i = 0; i < 2; i++) await b().approve({ platform: P.slack, code: 'ZZZZZZZZ' });
  for (const client of [a(), b()]) {
    assert.equal(
      (await client.requestCode({ platform: P.slack, userId: 'late' })).outcome,
      authzv1.RequestCodeOutcome.LOCKED_OUT,
    );
    assert.equal(
      (await client.approve({ platform: P.slack, code: 'ZZZZZZZZ' })).outcome,
      authzv1.ApproveOutcome.LOCKED_OUT,
    );
  }
});

test("approval and revocation through A reach B's cached decision at once (not after the TTL)", async () => {
  const user = 'cached1';
  const checkB = async () => (await b().check({ platform: P.discord, userId: user, chatType: DM })).allowed;
  // Warm B's cache with "not approved".
  assert.equal(await checkB(), false);
  assert.equal(await checkB(), false);
  const code = (await a().requestCode({ platform: P.discord, userId: user })).code;
  assert.equal((await a().approve({ platform: P.discord, code })).approved, true);
  // The broadcast is flushed before Approve returns; allow only for delivery to B.
  assert.equal(await eventually(checkB, 1000), true);
  assert.equal((await a().revoke({ platform: P.discord, userId: user })).revoked, true);
  assert.equal(await eventually(async () => !(await checkB()), 1000), true);
});

test('a restarted replica loses nothing', async () => {
  const code = (await a().requestCode({ platform: P.signal, userId: '+15551110000' })).code;
  const third = await cluster.addReplica();
  await cluster.replicas[0]!.platform.stop(100);
  await cluster.replicas[1]!.platform.stop(100);
  assert.equal((await third.client.list({ platform: P.signal })).pending.length, 1);
  assert.equal((await third.client.approve({ platform: P.signal, code })).approved, true);
  assert.equal(
    (await third.client.check({ platform: P.signal, userId: '+15551110000', chatType: DM })).rule,
    authzv1.Rule.PAIRING_APPROVED,
  );
});
