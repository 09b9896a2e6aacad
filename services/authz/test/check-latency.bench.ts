// authz Check latency (issue #5: "p99 under 1 ms in-process"), in-process and over NATS, against
// real Postgres + Redis. Entry point: test/bench/authz.bench.ts (`make bench`); it lives beside the
// service so it resolves the service's own dependencies.
//
// Rows: warm = decision cache hit (the steady state); cold = cache off, every Check reads Postgres;
// allow-all = per-platform allow-all (decided before any lookup). Each Check also emits its audit event.
import { loadConfig } from '@hermes/config';
import { createLogger } from '@hermes/observability';
import { type RunningPlatform, startPlatform } from '@hermes/platform';
import { authzv1 } from '@hermes/proto';
import { connectBus, createClient, InProcessBus, NatsTransport, silentLogger, type Transport } from '@hermes/rpc';
import { createTestDatabase } from '@hermes/testing';
import { createAuthzService } from '../src/index.ts';

const SAMPLES = 10_000;
const COLD_SAMPLES = 2_000;
const USERS = 500;

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} unset: run through node test/run-tests.ts --bench`);
  return v;
}

interface Row {
  path: string;
  n: number;
  p50: number;
  p99: number;
  max: number;
}

const pct = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? Number.NaN;

async function measure(path: string, transport: Transport, platform: number, samples: number): Promise<Row> {
  const client = createClient(authzv1.AuthzService, transport);
  const req = (i: number) => ({ platform, userId: `u${i % USERS}`, chatType: authzv1.ChatType.DM });
  for (let i = 0; i < Math.min(2_000, samples); i++) await client.check(req(i));
  const lat = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await client.check(req(i));
    lat[i] = (performance.now() - t0) * 1000;
  }
  lat.sort();
  return { path, n: samples, p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: lat[lat.length - 1] ?? Number.NaN };
}

const db = await createTestDatabase(need('DATABASE_URL'));
const rows: Row[] = [];
const logger = createLogger({ service: 'authz-bench', level: 'silent' });
const platforms: RunningPlatform[] = [];
try {
  const config = loadConfig(
    {
      NATS_URL: need('NATS_URL'),
      DATABASE_URL: db.url,
      REDIS_URL: need('REDIS_URL'),
      HERMES_AUTHZ_GRPC_PORT: '0',
      DISCORD_ALLOW_ALL_USERS: 'true',
      TELEGRAM_ALLOWED_USERS: Array.from({ length: USERS / 2 }, (_, i) => `u${i}`).join(','),
    },
    { home: '/nonexistent/hermes-authz-bench' },
  );
  const start = async (cacheTtlMs?: number) => {
    const p = await startPlatform({
      config,
      modules: [createAuthzService({ keyPrefix: 'bench:authz:', ...(cacheTtlMs !== undefined ? { cacheTtlMs } : {}) })],
      logger,
      metrics: false,
    });
    platforms.push(p);
    const bus = new InProcessBus();
    for (const r of p.services[0]!.registrations) bus.register(r);
    return bus;
  };
  const warm = await start();
  // Half the users are approved through pairing, half are on the allowlist.
  const sqlClient = createClient(authzv1.AuthzService, warm);
  for (let i = USERS / 2; i < USERS / 2 + 3; i++) {
    const r = await sqlClient.requestCode({ platform: 1, userId: `u${i}` });
    await sqlClient.approve({ platform: 1, code: r.code });
  }
  rows.push(await measure('in-process warm', warm, 1, SAMPLES));
  rows.push(await measure('in-process allow-all', warm, 2, SAMPLES));
  const cold = await start(0);
  rows.push(await measure('in-process cold (Postgres)', cold, 1, COLD_SAMPLES));

  const bus = await connectBus({ url: need('NATS_URL'), name: 'authz-bench', logger: silentLogger });
  // Only the warm platform serves NATS now: stop the cold one so every NATS call hits a warm replica.
  await platforms.pop()?.stop(100);
  rows.push(await measure('nats warm', new NatsTransport(bus), 1, SAMPLES));
  await bus.close();
} finally {
  for (const p of platforms) await p.stop(100);
  await db.drop();
}

console.log(`authz Check latency (µs), ${USERS} users, sequential calls, audit event per call`);
console.log('path                          n     p50 µs    p99 µs    max µs');
for (const r of rows) {
  console.log(
    `${r.path.padEnd(26)} ${String(r.n).padStart(6)} ${r.p50.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(9)} ${r.max.toFixed(0).padStart(9)}`,
  );
}
const inProcess = rows.find((r) => r.path === 'in-process warm');
if (inProcess && inProcess.p99 >= 1000) {
  console.log(`FAIL: in-process p99 ${inProcess.p99.toFixed(1)} µs is not under 1 ms`);
  process.exitCode = 1;
}
