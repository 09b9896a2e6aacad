// Events published by services over NATS land in the hash chain, in order, once each, secrets absent.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { auditSubject } from '@hermes/platform';
import { auditv1 } from '@hermes/proto';
import { createTestDatabase, type NatsHandle, startNats, type TestDatabase } from '@hermes/testing';
import {
  type AuditReplica,
  emitter,
  KNOWN_SECRET,
  requireEnv,
  startAuditReplica,
  superuser,
  waitForRecords,
} from './audit-harness.ts';

// Its own nats-server: the audit stream captures `hermes.v1.audit.events.>`, and the shared server
// carries every other test's events too.
let nats: NatsHandle;
let db: TestDatabase;
let audit: AuditReplica;

before(async () => {
  nats = await startNats({ fromEnv: false });
  db = await createTestDatabase(requireEnv('DATABASE_URL'));
  audit = await startAuditReplica({ natsUrl: nats.url, databaseUrl: db.url });
});
after(async () => {
  await audit?.stop();
  await db?.drop();
  await nats?.stop();
});

test('events from several services are chained in publish order with their fields, and the chain verifies', async () => {
  const a = await emitter(nats.url, 'authz');
  const b = await emitter(nats.url, 'approval');
  try {
    for (let i = 0; i < 40; i++) {
      const e = i % 2 === 0 ? a : b;
      e.sink.emit({
        kind: i % 2 === 0 ? 'authz.check' : 'approval.evaluate',
        outcome: i % 3 === 0 ? 'denied' : 'allowed',
        actor: `telegram:${i}`,
        sessionId: `s-${i % 4}`,
        attributes: { i, note: `secret ${KNOWN_SECRET} here`, nested: { list: [i, 'x'] } },
      });
      // One emitter at a time so the publish order is also the stream order.
      await e.sink.flush();
    }
  } finally {
    await a.close();
    await b.close();
  }
  await waitForRecords(audit.client, 40);
  const res = await audit.client.query({ limit: 100 });
  assert.equal(res.records.length, 40);
  res.records.forEach((r, i) => {
    assert.equal(Number(r.seq), i + 1);
    assert.equal(r.event?.attributes?.i, i, 'stored in publish order');
    assert.equal(r.event?.service, i % 2 === 0 ? 'authz' : 'approval');
    assert.equal(r.event?.actor, `telegram:${i}`);
    assert.match(r.hash, /^[0-9a-f]{64}$/);
    if (i > 0) assert.equal(r.prevHash, res.records[i - 1]?.hash);
  });
  assert.equal(res.records[0]?.prevHash, '0'.repeat(64));
  const v = await audit.client.verify({});
  assert.deepEqual([v.intact, Number(v.checked), Number(v.firstBrokenSeq), Number(v.headSeq)], [true, 40, 0, 40]);

  // The secret never reached the table, in any column.
  const sql = superuser(db.url);
  try {
    const [row] = await sql<{ n: string }[]>`
      SELECT count(*) AS n FROM audit.records WHERE records::text LIKE ${`%${KNOWN_SECRET}%`}`;
    assert.equal(Number(row?.n), 0);
  } finally {
    await sql.end();
  }
});

test('Query filters by outcome, actor, kind, service, session and time, newest `limit` oldest first', async () => {
  const denied = await audit.client.query({ outcome: 'denied', limit: 100 });
  assert.equal(denied.records.length, 14);
  assert.ok(denied.records.every((r) => r.event?.outcome === 'denied'));
  const one = await audit.client.query({ actor: 'telegram:7' });
  assert.deepEqual(
    one.records.map((r) => r.event?.actor),
    ['telegram:7'],
  );
  const kind = await audit.client.query({ kind: 'approval.evaluate', service: 'approval', limit: 3 });
  assert.deepEqual(
    kind.records.map((r) => r.event?.attributes?.i),
    [35, 37, 39],
  );
  const session = await audit.client.query({ sessionId: 's-1', outcome: 'allowed' });
  assert.ok(session.records.length > 0 && session.records.every((r) => r.event?.sessionId === 's-1'));
  const future = await audit.client.query({ since: timestampFromMs(Date.now() + 60_000) });
  assert.equal(future.records.length, 0);
  const past = await audit.client.query({ until: timestampFromMs(Date.now() - 3_600_000) });
  assert.equal(past.records.length, 0);
});

test('a redelivered event (same id) is stored once; a message that is not an AuditEvent is dropped, not stored', async () => {
  const { bus, close } = await emitter(nats.url, 'executor');
  try {
    const before = Number((await audit.client.verify({})).headSeq);
    const ev = create(auditv1.AuditEventSchema, {
      id: randomUUID(),
      time: timestampFromMs(Date.now()),
      service: 'executor',
      kind: 'executor.run',
      outcome: 'exited',
      attributes: { exit_code: 0 },
    });
    const bytes = toBinary(auditv1.AuditEventSchema, ev);
    bus.nc.publish(auditSubject('executor'), bytes);
    bus.nc.publish(auditSubject('executor'), new Uint8Array([0xff, 0xff, 0xff]));
    bus.nc.publish(auditSubject('executor'), bytes);
    const marker = create(auditv1.AuditEventSchema, { ...ev, id: randomUUID(), kind: 'executor.marker' });
    bus.nc.publish(auditSubject('executor'), toBinary(auditv1.AuditEventSchema, marker));
    await bus.nc.flush();
    await waitForRecords(audit.client, before + 2);
    // Give a wrongly duplicated copy time to show up before asserting it did not.
    await new Promise((r) => setTimeout(r, 300));
    const res = await audit.client.query({ service: 'executor' });
    assert.deepEqual(
      res.records.map((r) => r.event?.kind),
      ['executor.run', 'executor.marker'],
    );
    assert.equal(Number((await audit.client.verify({})).headSeq), before + 2);
  } finally {
    await close();
  }
});

test('the table is append-only: UPDATE, DELETE and TRUNCATE are refused, even for the owner', async () => {
  const sql = superuser(db.url);
  try {
    await assert.rejects(sql`UPDATE audit.records SET outcome = 'allowed' WHERE seq = 1`, /append-only/);
    await assert.rejects(sql`DELETE FROM audit.records WHERE seq = 1`, /append-only/);
    await assert.rejects(sql`TRUNCATE audit.records`, /append-only/);
    await assert.rejects(sql`UPDATE audit.chain_head SET seq = 0`, /only moves forward/);
    await assert.rejects(sql`DELETE FROM audit.chain_head`, /append-only/);
  } finally {
    await sql.end();
  }
  assert.equal((await audit.client.verify({})).intact, true);
});
