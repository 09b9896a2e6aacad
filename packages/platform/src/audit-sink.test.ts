import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { auditv1 } from '@hermes/proto';
import { connectBus, silentLogger } from '@hermes/rpc';
import { createRedactor } from '@hermes/security';
import { startNats } from '@hermes/testing';
import { auditSubject, InProcessAuditBus, inProcessAuditSink, natsAuditSink } from './audit-sink.ts';

const KNOWN = 'platform-secret-value-7Qx9';
const redactor = createRedactor({ knownSecrets: [KNOWN] });

test('audit events cross NATS as protobuf on hermes.v1.audit.events.<service>, with secrets redacted', async () => {
  await using nats = await startNats();
  const bus = await connectBus({ url: nats.url, name: 'audit-test', logger: silentLogger });
  try {
    const sub = bus.nc.subscribe(auditSubject('authz'), { max: 1 });
    const sink = natsAuditSink(bus, 'authz', redactor, () => 1_700_000_000_000);
    sink.emit({
      kind: 'authz.check',
      outcome: 'denied',
      actor: 'telegram:42',
      attributes: { note: `token ${KNOWN} and ghp_abcdefghijklmnopqrstuvwxyz0123456789`, n: 3 },
    });
    await sink.flush();
    for await (const m of sub) {
      const ev = fromBinary(auditv1.AuditEventSchema, m.data);
      assert.equal(ev.service, 'authz');
      assert.equal(ev.kind, 'authz.check');
      assert.equal(ev.outcome, 'denied');
      assert.equal(ev.actor, 'telegram:42');
      assert.equal(Number(ev.time?.seconds), 1_700_000_000);
      assert.match(ev.id, /^[0-9a-f-]{36}$/);
      const raw = Buffer.from(m.data).toString('latin1');
      assert.ok(!raw.includes(KNOWN), 'known secret absent from the wire bytes');
      assert.ok(!raw.includes('ghp_abcdefghijklmnop'), 'token pattern absent from the wire bytes');
    }
  } finally {
    await bus.close();
  }
});

test('in-process audit bus delivers the same event shape', () => {
  const bus = new InProcessAuditBus();
  const got: auditv1.AuditEvent[] = [];
  bus.on('event', (e) => got.push(e));
  inProcessAuditSink(bus, 'approval', redactor).emit({ kind: 'approval.ask', outcome: 'asked', sessionId: 's1' });
  assert.equal(got.length, 1);
  assert.equal(got[0]?.service, 'approval');
  assert.equal(got[0]?.sessionId, 's1');
});

test('with an audit stream, events survive a NATS restart: queued until JetStream acknowledges, stored once', async () => {
  const { jetstreamManager, StorageType } = await import('@nats-io/jetstream');
  await using nats = await startNats({ fromEnv: false });
  const bus = await connectBus({
    url: nats.url,
    name: 'audit-durable',
    logger: silentLogger,
    reconnectTimeWaitMs: 100,
  });
  try {
    const jsm = await jetstreamManager(bus.nc);
    await jsm.streams.add({ name: 'AUDIT_T', subjects: ['hermes.v1.audit.events.>'], storage: StorageType.File });
    const sink = natsAuditSink(bus, 'executor', redactor, Date.now, { recheckMs: 50 });
    // A burst cut by a server crash: some events are in flight (written, not yet stored) when it dies.
    for (let i = 0; i < 2_000; i++) sink.emit({ kind: 'executor.run', outcome: 'ok', attributes: { i } });
    await new Promise((r) => setTimeout(r, 5));
    await nats.kill();
    // Emitted while the server is down: held in the sink's queue, not lost.
    for (let i = 2_000; i < 2_040; i++) sink.emit({ kind: 'executor.run', outcome: 'ok', attributes: { i } });
    await nats.restart();
    await sink.flush();
    const deadline = Date.now() + 10_000;
    let count = 0;
    while (Date.now() < deadline) {
      try {
        count = (await (await jetstreamManager(bus.nc)).streams.info('AUDIT_T')).state.messages;
      } catch {
        count = -1;
      }
      if (count === 2_040) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(count, 2_040, 'every event is in the stream exactly once');
  } finally {
    await bus.close();
  }
});
