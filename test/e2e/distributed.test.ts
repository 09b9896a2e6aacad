// Distributed mode: each service its own process (`hermes serve <svc>`) against real NATS, Postgres
// and Redis. All seven reach SERVING, they answer each other over NATS, and SIGTERM stops each cleanly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVICE_NAMES } from '@hermes/config';
import { scannerv1 } from '@hermes/proto';
import { Code, connectBus, createClient, NatsTransport, RpcError, silentLogger } from '@hermes/rpc';
import { createTestDatabase, startNats, startPostgres, startRedis } from '@hermes/testing';
import { type HermesProcess, runHermes, spawnHermes, tempHome } from './hermes-process.ts';

test('seven services as seven processes over NATS, Postgres and Redis', { timeout: 120_000 }, async () => {
  await using nats = await startNats();
  await using pg = await startPostgres();
  await using redis = await startRedis();
  const db = await createTestDatabase(pg.url);
  await using home = await tempHome();
  const env = { ...home.env, NATS_URL: nats.url, DATABASE_URL: db.url, REDIS_URL: redis.url };
  const procs: HermesProcess[] = [];
  try {
    for (const name of SERVICE_NAMES) {
      procs.push(spawnHermes(['serve', name, ...(name === 'executor' ? ['--backend', 'local'] : [])], env));
    }
    const until = Date.now() + 60_000;
    let health = await runHermes(['health', '--json'], env);
    while (health.code !== 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      health = await runHermes(['health', '--json'], env);
    }
    assert.equal(health.code, 0, `${health.stdout}\n${procs.map((p) => p.stderr()).join('\n')}`);

    // A call over NATS reaches the scanner process and comes back with its verdict.
    const bus = await connectBus({ url: nats.url, name: 'e2e-caller', logger: silentLogger });
    try {
      const scanner = createClient(scannerv1.ScannerService, new NatsTransport(bus));
      const res = await scanner.scanCommand({ command: 'rm -rf /' }, { timeoutMs: 5_000 });
      assert.equal(res.hardline, true);
      await assert.rejects(
        scanner.scanCommand({ command: '' }, { timeoutMs: 5_000 }),
        (err: unknown) => err instanceof RpcError && err.code === Code.INVALID_ARGUMENT,
      );
    } finally {
      await bus.close();
    }

    // Migrations ran at start: every database-owning service recorded its replica.
    const { default: postgres } = await import('postgres');
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      for (const schema of ['authz', 'approval', 'agent', 'audit']) {
        const rows = await sql`select count(*)::int as n from ${sql(schema)}.instances`;
        assert.equal(rows[0]?.n, 1, `${schema}.instances`);
      }
    } finally {
      await sql.end();
    }

    const codes = await Promise.all(procs.map((p) => p.stop('SIGTERM')));
    assert.deepEqual(codes, Array(7).fill(0));
  } finally {
    await Promise.all(procs.map((p) => p[Symbol.asyncDispose]()));
    await db.drop();
  }
});
