// Several audit replicas share one durable consumer and one chain: no fork, no duplicate, no loss.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestDatabase, startNats, startPostgres } from '@hermes/testing';
import { emitter, startAuditReplica, waitForRecords } from './audit-harness.ts';

test('two replicas ingesting at once keep one unbroken chain with every event exactly once', async () => {
  await using nats = await startNats({ fromEnv: false });
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) throw new Error('DATABASE_URL is not set: run through node test/run-tests.ts');
  await using db = await createTestDatabase(baseUrl);
  // Small batches so both replicas really interleave their transactions.
  const service = { maxBatch: 20, stream: { maxAckPending: 64 } };
  const r1 = await startAuditReplica({ natsUrl: nats.url, databaseUrl: db.url, service });
  const r2 = await startAuditReplica({ natsUrl: nats.url, databaseUrl: db.url, service });
  const emitters = await Promise.all(['authz', 'approval', 'executor'].map((s) => emitter(nats.url, s)));
  try {
    const total = 900;
    for (let i = 0; i < total; i++) {
      emitters[i % 3]?.sink.emit({ kind: 'test.event', outcome: 'allowed', attributes: { i } });
    }
    await Promise.all(emitters.map((e) => e.sink.flush()));
    await waitForRecords(r1.client, total, 30_000);
    const res = await r2.client.query({ limit: total + 10 });
    assert.equal(res.records.length, total);
    const seen = new Set(res.records.map((r) => r.event?.attributes?.i));
    assert.equal(seen.size, total, 'no event twice, none missing');
    for (const r of [r1, r2]) {
      const v = await r.client.verify({});
      assert.deepEqual([v.intact, Number(v.checked)], [true, total]);
    }
  } finally {
    await Promise.all(emitters.map((e) => e.close()));
    await r1.stop();
    await r2.stop();
  }
});

test('a replica stopped while Postgres is away loses nothing: the next one stores every event once', async () => {
  await using nats = await startNats({ fromEnv: false });
  await using pg = await startPostgres({ fromEnv: false });
  await using db = await createTestDatabase(pg.url);
  // Short ack_wait: whatever the stopped replica held comes back quickly.
  const service = { stream: { ackWaitMs: 2000 } };
  const first = await startAuditReplica({ natsUrl: nats.url, databaseUrl: db.url, service, graceMs: 200 });
  const em = await emitter(nats.url, 'executor');
  try {
    for (let i = 0; i < 50; i++) em.sink.emit({ kind: 'executor.run', outcome: 'exited', attributes: { i } });
    await em.sink.flush();
    await waitForRecords(first.client, 50);
    await pg.halt();
    for (let i = 50; i < 450; i++) em.sink.emit({ kind: 'executor.run', outcome: 'exited', attributes: { i } });
    await em.sink.flush();
    // Let the first replica take the events into memory and fail to commit them.
    await new Promise((r) => setTimeout(r, 500));
    await first.stop();
    await pg.restart();
    const second = await startAuditReplica({ natsUrl: nats.url, databaseUrl: db.url, service });
    try {
      await waitForRecords(second.client, 450, 20_000);
      const res = await second.client.query({ limit: 1000 });
      const got = res.records.map((r) => r.event?.attributes?.i as number);
      assert.equal(got.length, 450);
      assert.deepEqual(
        [...got].sort((a, b) => a - b),
        Array.from({ length: 450 }, (_, i) => i),
      );
      const v = await second.client.verify({});
      assert.deepEqual([v.intact, Number(v.checked)], [true, 450]);
    } finally {
      await second.stop();
    }
  } finally {
    await em.close();
  }
});
