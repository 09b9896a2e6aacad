// Audit ingestion throughput: events/s from `AuditSink.emit` to a committed, hash-chained row.
//   node test/run-tests.ts --bench test/bench/audit.bench.ts
// Over NATS: services publish (natsAuditSink) → JetStream file stream → durable consumer → Postgres.
// Embedded: in-process audit bus → the same writer → Postgres. Then Verify's walk rate.
import { inProcessAuditSink } from '@hermes/platform';
import { createRedactor } from '@hermes/security';
import { createTestDatabase, startNats } from '@hermes/testing';
import postgres from 'postgres';
import { emitter, requireEnv, startAuditReplica } from './audit-harness.ts';

const EVENTS = Number(process.env.AUDIT_BENCH_EVENTS ?? 20_000);
const redactor = createRedactor({ knownSecrets: [] });

function event(i: number) {
  return {
    kind: 'executor.run',
    outcome: i % 10 === 0 ? 'denied' : 'exited',
    actor: `telegram:${i % 50}`,
    sessionId: `s-${i % 20}`,
    attributes: { exit_code: i % 3, argv_sha256: 'ab'.repeat(32), command: 'ls -la /workspace', backend: 'local' },
  };
}

async function waitForHead(sql: postgres.Sql, n: number): Promise<void> {
  for (;;) {
    const [row] = await sql<{ seq: string }[]>`SELECT seq FROM audit.chain_head`;
    if (Number(row?.seq) >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Row {
  readonly mode: string;
  readonly events: number;
  readonly seconds: number;
}

const rows: Row[] = [];

{
  await using nats = await startNats({ fromEnv: false });
  await using db = await createTestDatabase(requireEnv('DATABASE_URL'));
  const audit = await startAuditReplica({ natsUrl: nats.url, databaseUrl: db.url });
  const em = await emitter(nats.url, 'executor');
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    const t0 = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      em.sink.emit(event(i));
      if (i % 1000 === 999) await em.sink.flush();
    }
    await em.sink.flush();
    const published = performance.now();
    await waitForHead(sql, EVENTS);
    const t1 = performance.now();
    rows.push({ mode: 'NATS → JetStream → Postgres', events: EVENTS, seconds: (t1 - t0) / 1000 });
    rows.push({ mode: '  (publishing alone)', events: EVENTS, seconds: (published - t0) / 1000 });
    const v0 = performance.now();
    const v = await audit.client.verify({});
    if (!v.intact || Number(v.checked) !== EVENTS) throw new Error('chain did not verify');
    rows.push({ mode: 'Verify (walk + re-hash)', events: EVENTS, seconds: (performance.now() - v0) / 1000 });
  } finally {
    await sql.end();
    await em.close();
    await audit.stop();
  }
}

{
  await using db = await createTestDatabase(requireEnv('DATABASE_URL'));
  const audit = await startAuditReplica({ databaseUrl: db.url });
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    const sink = inProcessAuditSink(audit.platform.auditBus!, 'executor', redactor);
    const t0 = performance.now();
    for (let i = 0; i < EVENTS; i++) sink.emit(event(i));
    await waitForHead(sql, EVENTS);
    rows.push({ mode: 'in-process bus → Postgres', events: EVENTS, seconds: (performance.now() - t0) / 1000 });
  } finally {
    await sql.end();
    await audit.stop();
  }
}

process.stdout.write('\naudit ingestion (events committed to the hash chain)\n');
process.stdout.write(
  `${'mode'.padEnd(30)} ${'events'.padStart(8)} ${'seconds'.padStart(8)} ${'events/s'.padStart(10)}\n`,
);
for (const r of rows) {
  process.stdout.write(
    `${r.mode.padEnd(30)} ${String(r.events).padStart(8)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(
      r.events / r.seconds,
    )
      .toString()
      .padStart(10)}\n`,
  );
}
