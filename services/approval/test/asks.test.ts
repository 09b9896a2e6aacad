// Asks: every choice, the fail-closed deadline (injected clock), coalescing, idempotent / late /
// unknown resolutions, session reset, replicas that agree, and approval killed mid-ask.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { approvalv1, commonv1 } from '@hermes/proto';
import { Code, RpcError } from '@hermes/rpc';
import { shellArgv } from '@hermes/security';
import {
  fresh,
  type Infra,
  type Replica,
  type ReplicaOptions,
  startInfra,
  startReplica,
  testClock,
} from './approval-fixture.ts';

const { Decision } = commonv1;
const { Outcome, Choice } = approvalv1;

let infra: Infra;
const replicas: Replica[] = [];
async function replica(tag: string, options: Partial<ReplicaOptions> = {}) {
  const { prefix, session } = fresh(tag);
  const r = await startReplica(infra, { prefix, ...options });
  replicas.push(r);
  return { r, session, prefix };
}

before(async () => {
  infra = await startInfra();
});
after(async () => {
  await Promise.allSettled(replicas.map((r) => r.stop()));
  await infra.close();
});

async function ask(r: Replica, sessionId: string, command = 'rm -rf build', cwd = '/w') {
  const v = await r.client.evaluate({ sessionId, command, cwd });
  assert.equal(v.decision, Decision.ASK, command);
  return v;
}

describe('asks and choices', () => {
  test('once: this execution only; the grant binds the asked command; the next identical command asks again', async () => {
    const { r, session } = await replica('once');
    const v = await ask(r, session);
    const res = await r.client.resolve({ requestId: v.requestId, choice: Choice.ONCE, approver: 'alice' });
    assert.equal(res.resolved, true);
    assert.equal(res.outcome, Outcome.APPROVED);
    const w = await r.client.await({ requestId: v.requestId, sessionId: session });
    assert.equal(w.decision, Decision.ALLOW);
    assert.equal(w.outcome, Outcome.APPROVED);
    assert.equal(w.approvalId, v.requestId);
    await r.verifier.verify(w.grant, {
      sessionId: session,
      argv: shellArgv('rm -rf build'),
      cwd: '/w',
      backend: 'local',
    });
    // The once-approval is spent: a second Await gets no second grant.
    const again = await r.client.await({ requestId: v.requestId, sessionId: session });
    assert.equal(again.decision, Decision.ASK);
    assert.equal(again.grant.length, 0);
    assert.equal((await r.client.evaluate({ sessionId: session, command: 'rm -rf build' })).decision, Decision.ASK);
    assert.ok(r.events.some((e) => e.kind === 'approval.resolve' && e.outcome === 'approved'));
  });

  test('session: every finding key of the ask is approved for the rest of the session, until reset', async () => {
    const { r, session } = await replica('session');
    const v = await ask(r, session, 'rm -rf build && chmod 777 /tmp/x');
    await r.client.resolve({ requestId: v.requestId, choice: Choice.SESSION, approver: 'alice' });
    assert.equal((await r.client.await({ requestId: v.requestId, sessionId: session })).decision, Decision.ALLOW);
    for (const command of ['rm -rf other', 'chmod 777 /tmp/y']) {
      assert.equal((await r.client.evaluate({ sessionId: session, command })).decision, Decision.ALLOW, command);
    }
    assert.equal(
      (await r.client.evaluate({ sessionId: `${session}-b`, command: 'rm -rf other' })).decision,
      Decision.ASK,
    );
    assert.equal((await r.client.evaluate({ sessionId: session, command: 'systemctl stop x' })).decision, Decision.ASK);
    await r.client.resetSession({ sessionId: session });
    assert.equal((await r.client.evaluate({ sessionId: session, command: 'rm -rf other' })).decision, Decision.ASK);
  });

  test('always: session + the permanent allowlist in Postgres; listed and removable', async () => {
    const { r, session } = await replica('always');
    const profile = `p-${session}`;
    const v = await r.client.evaluate({ sessionId: session, command: 'systemctl stop nginx', profile });
    await r.client.resolve({ requestId: v.requestId, choice: Choice.ALWAYS, approver: 'alice' });
    assert.equal((await r.client.await({ requestId: v.requestId, sessionId: session })).decision, Decision.ALLOW);
    const list = await r.client.listAllowlist({ profile });
    assert.deepEqual(
      list.entries.map((e) => [e.entry, e.source, e.createdBy, e.requestId]),
      [['stop/restart system service', 'database', 'alice', v.requestId]],
    );
    // Another session of the same profile is allowed by the permanent entry.
    const other = await r.client.evaluate({ sessionId: `${session}-2`, command: 'systemctl restart nginx', profile });
    assert.equal(other.decision, Decision.ALLOW);
    const removed = await r.client.removeAllowlist({ profile, entry: 'stop/restart system service' });
    assert.equal(removed.removed, true);
    const after = await r.client.evaluate({ sessionId: `${session}-3`, command: 'systemctl restart nginx', profile });
    assert.equal(after.decision, Decision.ASK);
    assert.equal((await r.client.removeAllowlist({ profile, entry: 'nope' })).removed, false);
  });

  test('"always" on a Tirith-only ask is not offered and resolves nothing', async () => {
    const { r, session } = await replica('tirith-always');
    const v = await ask(r, session, 'curl https://exаmple.com/');
    const res = await r.client.resolve({ requestId: v.requestId, choice: Choice.ALWAYS, approver: 'a' });
    assert.equal(res.resolved, false);
    assert.match(res.message, /not offered/);
    assert.equal((await r.client.listPending({ sessionId: session })).pending.length, 1);
  });

  test('deny: the agent is told not to retry or rephrase, and gets the user’s reason', async () => {
    const { r, session } = await replica('deny');
    const v = await ask(r, session);
    const res = await r.client.resolve({
      requestId: v.requestId,
      choice: Choice.DENY,
      approver: 'bob',
      reason: 'wrong dir',
    });
    assert.equal(res.resolved, true);
    assert.equal(res.outcome, Outcome.DENIED);
    const w = await r.client.await({ requestId: v.requestId, sessionId: session });
    assert.equal(w.decision, Decision.DENY);
    assert.equal(w.outcome, Outcome.DENIED);
    assert.equal(w.grant.length, 0);
    assert.match(w.message, /Do NOT retry this command, do NOT rephrase it/);
    assert.match(w.message, /Reason given by the user: "wrong dir"/);
  });

  test('timeout: no answer by approvals.timeout is deny (silence is not consent), at exactly the configured deadline', async () => {
    const clock = testClock();
    const { r, session } = await replica('timeout', { clock, yaml: 'approvals:\n  timeout: 30\n' });
    const v = await ask(r, session);
    const waiting = r.client.await({ requestId: v.requestId, sessionId: session }, { timeoutMs: 10_000 });
    clock.advance(29_999);
    await new Promise((res) => setTimeout(res, 150));
    assert.equal((await r.client.listPending({ sessionId: session })).pending.length, 1, 'still pending 1 ms before');
    clock.advance(1);
    const w = await waiting;
    assert.equal(w.decision, Decision.DENY);
    assert.equal(w.outcome, Outcome.TIMEOUT);
    assert.match(w.message, /Silence is not consent/);
    assert.equal(w.grant.length, 0);
    // A late answer resolves nothing and says so.
    const late = await r.client.resolve({ requestId: v.requestId, choice: Choice.ONCE, approver: 'slow' });
    assert.equal(late.resolved, false);
    assert.equal(late.outcome, Outcome.TIMEOUT);
    assert.match(late.message, /too late|already ended/);
    assert.ok(r.events.some((e) => e.kind === 'approval.timeout' && e.outcome === 'denied'));
  });

  test('the sweeper times out unanswered asks even when nobody waits (audit event)', async () => {
    const clock = testClock();
    const { r, session } = await replica('sweep', { clock });
    const v = await ask(r, session);
    clock.advance(60_000);
    for (let i = 0; i < 50 && !r.events.some((e) => e.kind === 'approval.timeout'); i++) {
      await new Promise((res) => setTimeout(res, 20));
    }
    const ev = r.events.find((e) => e.kind === 'approval.timeout');
    assert.ok(ev, 'timeout event emitted by the sweeper');
    assert.equal(ev.attributes?.requestId, v.requestId);
  });

  test('Resolve is idempotent; unknown ids resolve nothing; a second, different answer changes nothing', async () => {
    const { r, session } = await replica('idem');
    const v = await ask(r, session);
    const a = await r.client.resolve({ requestId: v.requestId, choice: Choice.DENY, approver: 'x' });
    const b = await r.client.resolve({ requestId: v.requestId, choice: Choice.DENY, approver: 'x' });
    assert.equal(a.resolved, true);
    assert.equal(b.resolved, true);
    assert.equal(b.outcome, Outcome.DENIED);
    const c = await r.client.resolve({ requestId: v.requestId, choice: Choice.ONCE, approver: 'y' });
    assert.equal(c.resolved, false);
    assert.equal(c.outcome, Outcome.DENIED);
    assert.equal((await r.client.await({ requestId: v.requestId, sessionId: session })).decision, Decision.DENY);
    const u = await r.client.resolve({ requestId: 'no-such-id', choice: Choice.ONCE, approver: 'x' });
    assert.equal(u.resolved, false);
    assert.match(u.message, /unknown/);
    await assert.rejects(
      r.client.resolve({ requestId: v.requestId, choice: Choice.UNSPECIFIED }),
      (e: unknown) => e instanceof RpcError && e.code === Code.INVALID_ARGUMENT,
    );
  });

  test('Await from another session is NOT_FOUND (a grant only goes to the session that asked)', async () => {
    const { r, session } = await replica('await-other');
    const v = await ask(r, session);
    await r.client.resolve({ requestId: v.requestId, choice: Choice.SESSION, approver: 'x' });
    await assert.rejects(
      r.client.await({ requestId: v.requestId, sessionId: 'intruder' }),
      (e: unknown) => e instanceof RpcError && e.code === Code.NOT_FOUND,
    );
  });

  test('identical concurrent asks in one session coalesce; session answers reach every waiter, once only one', async () => {
    const { r, session } = await replica('coalesce');
    const [a, b, c] = await Promise.all([ask(r, session), ask(r, session), ask(r, session)]);
    assert.ok(a && b && c);
    assert.equal(new Set([a.requestId, b.requestId, c.requestId]).size, 1);
    assert.equal([a, b, c].filter((v) => v.coalesced).length, 2);
    assert.equal((await r.client.listPending({ sessionId: session })).pending.length, 1);
    // Different cwd or another session is a different ask.
    const d = await ask(r, session, 'rm -rf build', '/other');
    assert.notEqual(d.requestId, a.requestId);
    const e = await ask(r, `${session}-2`);
    assert.notEqual(e.requestId, a.requestId);

    const waiters = [a, b, c].map(() => r.client.await({ requestId: a.requestId, sessionId: session }));
    await r.client.resolve({ requestId: a.requestId, choice: Choice.ONCE, approver: 'x' });
    const got = await Promise.all(waiters);
    assert.equal(got.filter((w) => w.decision === Decision.ALLOW).length, 1, 'once: exactly one execution');
    assert.equal(got.filter((w) => w.decision === Decision.ASK).length, 2, 'followers re-ask');

    const f = await ask(r, session, 'chmod 777 /tmp/q');
    const g = await ask(r, session, 'chmod 777 /tmp/q');
    assert.equal(f.requestId, g.requestId);
    await r.client.resolve({ requestId: f.requestId, choice: Choice.SESSION, approver: 'x' });
    const both = await Promise.all([f, g].map(() => r.client.await({ requestId: f.requestId, sessionId: session })));
    assert.deepEqual(
      both.map((w) => w.decision),
      [Decision.ALLOW, Decision.ALLOW],
    );
  });

  test('Evaluate with wait blocks until the answer', async () => {
    const { r, session } = await replica('wait');
    const waiting = r.client.evaluate({ sessionId: session, command: 'rm -rf build', cwd: '/w', wait: true });
    let pending = (await r.client.listPending({ sessionId: session })).pending;
    for (let i = 0; i < 50 && pending.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 20));
      pending = (await r.client.listPending({ sessionId: session })).pending;
    }
    assert.equal(pending.length, 1);
    await r.client.resolve({ requestId: pending[0]?.requestId ?? '', choice: Choice.ONCE, approver: 'x' });
    const v = await waiting;
    assert.equal(v.decision, Decision.ALLOW);
    assert.ok(v.grant.length > 0);
  });

  test('session reset ends pending asks as deny', async () => {
    const { r, session } = await replica('reset');
    const v = await ask(r, session);
    const waiting = r.client.await({ requestId: v.requestId, sessionId: session });
    const res = await r.client.resetSession({ sessionId: session });
    assert.equal(res.cancelledAsks, 1);
    const w = await waiting;
    assert.equal(w.decision, Decision.DENY);
    assert.equal(w.outcome, Outcome.CANCELLED);
    assert.equal(
      (await r.client.resolve({ requestId: v.requestId, choice: Choice.ONCE, approver: 'x' })).resolved,
      false,
    );
  });
});

describe('replicas', () => {
  test('two replicas agree: ask on one, list and resolve on the other, the waiter on the first gets the grant', async () => {
    const { prefix, session } = fresh('replicas');
    const clock = testClock();
    const a = await startReplica(infra, { prefix, clock });
    replicas.push(a);
    const b2 = await startReplica(infra, { prefix, clock });
    replicas.push(b2);
    const v = await ask(a, session);
    const waiting = a.client.await({ requestId: v.requestId, sessionId: session });
    const listed = await b2.client.listPending({ sessionId: session });
    assert.deepEqual(
      listed.pending.map((p) => p.requestId),
      [v.requestId],
    );
    await b2.client.resolve({ requestId: v.requestId, choice: Choice.ONCE, approver: 'x' });
    const w = await waiting;
    assert.equal(w.decision, Decision.ALLOW);
  });

  test('approval killed mid-ask: the caller gets an error, the ask ends as deny at its deadline, no grant exists', async () => {
    const { prefix, session } = fresh('killed');
    const clock = testClock();
    const a = await startReplica(infra, { prefix, clock });
    replicas.push(a);
    const v = await ask(a, session);
    // The waiting caller (its own connection) loses the replica that holds its call.
    const waiting = a.client.await({ requestId: v.requestId, sessionId: session }, { timeoutMs: 1_000 }).then(
      (r) => r,
      (e: unknown) => e,
    );
    await new Promise((res) => setTimeout(res, 50));
    await a.kill();
    const outcome = await waiting;
    assert.ok(outcome instanceof RpcError, 'the waiting caller gets an error, not an allow');
    // Nothing approved meanwhile; the deadline passes; a replacement replica comes up.
    clock.advance(60_000);
    const b = await startReplica(infra, { prefix, clock });
    replicas.push(b);
    const w = await b.client.await({ requestId: v.requestId, sessionId: session });
    assert.equal(w.decision, Decision.DENY);
    assert.equal(w.outcome, Outcome.TIMEOUT);
    assert.equal(w.grant.length, 0);
    const late = await b.client.resolve({ requestId: v.requestId, choice: Choice.ONCE, approver: 'x' });
    assert.equal(late.resolved, false);
    // The executor side: nothing was ever signed for this ask, so any token offered is refused.
    await assert.rejects(
      b.verifier.verify(w.grant, { sessionId: session, argv: shellArgv('rm -rf build'), cwd: '/w', backend: 'local' }),
      /grant refused/,
    );
  });
});
