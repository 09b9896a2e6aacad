// Issue #8 acceptance: "Postgres stopped for 30 s during a burst → every audit event present
// afterwards, chain verifies". Its own Postgres and NATS, so stopping them touches no other test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, RpcError } from '@hermes/rpc';
import { createTestDatabase, startNats, startPostgres } from '@hermes/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { emitter, eventually, startAuditReplica, waitForRecords } from './audit-harness.ts';

// The 30 s. The whole test stays near 40 s on a loaded 2-core box; AUDIT_OUTAGE_MS shortens
// it for a quick local run (the behaviour under test does not depend on the length).
const OUTAGE_MS = Number(process.env.AUDIT_OUTAGE_MS ?? 30_000);
const BEFORE = 200;
const DURING = 1200;
const AFTER = 100;

test(`Postgres stopped for ${OUTAGE_MS / 1000} s during a burst: every event lands, in order, and the chain verifies`, {
  timeout: OUTAGE_MS + 60_000,
}, async () => {
  await using nats = await startNats({ fromEnv: false });
  await using pg = await startPostgres({ fromEnv: false });
  await using db = await createTestDatabase(pg.url);
  const audit = await startAuditReplica({ natsUrl: nats.url, databaseUrl: db.url });
  const em = await emitter(nats.url, 'executor');
  let n = 0;
  const burst = async (count: number, spreadMs: number) => {
    const started = Date.now();
    for (let k = 0; k < count; k++) {
      n += 1;
      em.sink.emit({ kind: 'executor.run', outcome: n % 5 === 0 ? 'denied' : 'exited', attributes: { n } });
      if (spreadMs > 0 && k % 50 === 49) {
        await em.sink.flush();
        const due = started + (spreadMs * (k + 1)) / count;
        await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      }
    }
    await em.sink.flush();
  };
  try {
    await burst(BEFORE, 0);
    await waitForRecords(audit.client, BEFORE);

    await pg.halt();
    const outageStarted = Date.now();
    // The burst goes on while the database is away: events wait in JetStream.
    await burst(DURING, Math.max(0, OUTAGE_MS - 2000));
    await assert.rejects(audit.client.verify({}), (e: unknown) => e instanceof RpcError && e.code === Code.UNAVAILABLE);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
    await pg.restart();

    await burst(AFTER, 0);
    const total = BEFORE + DURING + AFTER;
    await waitForRecords(audit.client, total, 30_000);

    const res = await audit.client.query({ limit: total + 10 });
    assert.equal(res.records.length, total, 'every event present, none twice');
    res.records.forEach((r, i) => {
      assert.equal(Number(r.seq), i + 1);
      assert.equal(r.event?.attributes?.n, i + 1, 'in publish order');
    });
    const v = await audit.client.verify({});
    assert.deepEqual([v.intact, Number(v.checked), Number(v.firstBrokenSeq)], [true, total, 0]);

    // Everything committed was acked: the work-queue stream is empty again.
    const jsm = await jetstreamManager(em.bus.nc);
    await eventually(
      'the audit stream to drain',
      async () => (await jsm.streams.info('HERMES_AUDIT')).state.messages === 0,
    );
  } finally {
    await em.close();
    await audit.stop();
  }
});
