// Tamper detection: a superuser who disables the append-only trigger can change history, and Verify
// then names the first broken link. Events arrive over the in-process audit bus (embedded mode).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { inProcessAuditSink } from '@hermes/platform';
import { createRedactor } from '@hermes/security';
import { createTestDatabase, type TestDatabase } from '@hermes/testing';
import type postgres from 'postgres';
import { type AuditReplica, requireEnv, startAuditReplica, superuser } from './audit-harness.ts';

let db: TestDatabase;
let audit: AuditReplica;
let sql: postgres.Sql;

beforeEach(async () => {
  db = await createTestDatabase(requireEnv('DATABASE_URL'));
  audit = await startAuditReplica({ databaseUrl: db.url });
  assert.equal(audit.platform.bus, 'in-process');
  const bus = audit.platform.auditBus;
  assert.ok(bus, 'embedded mode has an audit bus');
  const sink = inProcessAuditSink(bus, 'approval', createRedactor({ knownSecrets: [] }));
  for (let i = 1; i <= 20; i++) {
    sink.emit({
      kind: 'approval.evaluate',
      outcome: i === 5 ? 'denied' : 'allowed',
      actor: `u${i}`,
      attributes: { i },
    });
  }
  await audit.writer.idle();
  sql = superuser(db.url);
});
afterEach(async () => {
  await sql?.end();
  await audit?.stop();
  await db?.drop();
});

async function asSuperuser(change: (tx: postgres.TransactionSql) => Promise<unknown>): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`ALTER TABLE audit.records DISABLE TRIGGER records_append_only`;
    await change(tx);
    await tx`ALTER TABLE audit.records ENABLE TRIGGER records_append_only`;
  });
}

test('embedded mode: events on the in-process bus are chained and verify', async () => {
  const v = await audit.client.verify({});
  assert.deepEqual([v.intact, Number(v.checked), Number(v.headSeq)], [true, 20, 20]);
  const q = await audit.client.query({ outcome: 'denied' });
  assert.deepEqual(
    q.records.map((r) => [Number(r.seq), r.event?.actor]),
    [[5, 'u5']],
  );
});

test('an edited outcome is reported at its seq', async () => {
  await asSuperuser((tx) => tx`UPDATE audit.records SET outcome = 'allowed' WHERE seq = 5`);
  const v = await audit.client.verify({});
  assert.deepEqual([v.intact, Number(v.firstBrokenSeq), Number(v.checked)], [false, 5, 4]);
  assert.match(v.reason, /hash does not match/);
});

test('an edited attribute (jsonb) is detected too', async () => {
  await asSuperuser((tx) => tx`UPDATE audit.records SET attributes = '{"i": 99}' WHERE seq = 12`);
  const v = await audit.client.verify({});
  assert.deepEqual([v.intact, Number(v.firstBrokenSeq)], [false, 12]);
});

test('a deleted row is reported as missing at its seq', async () => {
  await asSuperuser((tx) => tx`DELETE FROM audit.records WHERE seq = 8`);
  const v = await audit.client.verify({});
  assert.deepEqual([v.intact, Number(v.firstBrokenSeq)], [false, 8]);
  assert.match(v.reason, /record 8 is missing/);
});

test('deleting a row and renumbering the rest still breaks the chain', async () => {
  await asSuperuser(async (tx) => {
    await tx`DELETE FROM audit.records WHERE seq = 3`;
    await tx`UPDATE audit.records SET seq = seq - 1 WHERE seq > 3`;
  });
  const renumbered = await audit.client.verify({});
  assert.deepEqual([renumbered.intact, Number(renumbered.firstBrokenSeq)], [false, 3]);
  assert.match(renumbered.reason, /prev_hash/);
});

test('dropping the newest rows is detected against the chain head', async () => {
  await asSuperuser((tx) => tx`DELETE FROM audit.records WHERE seq > 17`);
  const v = await audit.client.verify({});
  assert.deepEqual([v.intact, Number(v.firstBrokenSeq), Number(v.headSeq)], [false, 18, 20]);
});

test('after tampering, new events still append (the writer never rewrites history)', async () => {
  await asSuperuser((tx) => tx`UPDATE audit.records SET actor = 'someone' WHERE seq = 2`);
  const bus = audit.platform.auditBus!;
  inProcessAuditSink(bus, 'authz', createRedactor({ knownSecrets: [] })).emit({
    kind: 'authz.check',
    outcome: 'allowed',
  });
  await audit.writer.idle();
  const v = await audit.client.verify({});
  assert.deepEqual([v.intact, Number(v.firstBrokenSeq), Number(v.headSeq)], [false, 2, 21]);
});
