/**
 * Storage latency: embedded PGlite (over pglite-socket) vs real Postgres through the same
 * `postgres` driver, memory vs Redis TTL store, and harness start-up times.
 *   node test/bench/storage.bench.ts        (~10-15 s)
 */
import { randomBytes } from 'node:crypto';
import { MemoryTtlStore, openDatabase, openRedisTtlStore, type TtlStore } from '@hermes/storage';
import { startNats, startPostgres, startRedis } from '@hermes/testing';

const ITERATIONS = 2000;
const WARMUP = 200;

interface Row {
  readonly case: string;
  readonly p50: string;
  readonly p99: string;
  readonly opsPerSec: string;
}

function micros(ns: bigint): string {
  return `${(Number(ns) / 1000).toFixed(1)} µs`;
}

async function measure(name: string, op: () => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < WARMUP; i++) await op();
  const samples: bigint[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = process.hrtime.bigint();
    await op();
    samples.push(process.hrtime.bigint() - t0);
  }
  const total = Number(process.hrtime.bigint() - start) / 1e9;
  samples.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    case: name,
    p50: micros(samples[Math.floor(samples.length * 0.5)] ?? 0n),
    p99: micros(samples[Math.floor(samples.length * 0.99)] ?? 0n),
    opsPerSec: Math.round(ITERATIONS / total).toString(),
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, string]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, `${Math.round(performance.now() - t0)} ms`];
}

const startup: { service: string; startMs: string }[] = [];
const rows: Row[] = [];

const [nats, natsMs] = await timed(() => startNats({ fromEnv: false }));
startup.push({ service: 'nats-server -js', startMs: natsMs });
await nats.stop();
const [pg, pgMs] = await timed(() => startPostgres({ fromEnv: false }));
startup.push({ service: 'postgres (initdb + start)', startMs: pgMs });
const [redis, redisMs] = await timed(() => startRedis({ fromEnv: false }));
startup.push({ service: 'redis-server', startMs: redisMs });
const [embedded, embeddedMs] = await timed(() => openDatabase());
startup.push({ service: 'PGlite + socket (in-memory)', startMs: embeddedMs });

try {
  await using real = await openDatabase({ url: pg.url, max: 1 });
  for (const [label, db] of [
    ['PGlite-socket', embedded],
    ['Postgres 15', real],
  ] as const) {
    rows.push(await measure(`${label}: SELECT $1::int`, () => db.sql`SELECT ${1}::int AS one`));
    await db.sql`CREATE TABLE IF NOT EXISTS bench_kv (k text PRIMARY KEY, v text)`;
    let i = 0;
    rows.push(
      await measure(`${label}: INSERT ... ON CONFLICT`, () => {
        i += 1;
        return db.sql`INSERT INTO bench_kv VALUES (${`k${i % 100}`}, ${'v'}) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v`;
      }),
    );
  }

  const memory: TtlStore = new MemoryTtlStore();
  await using redisStore = await openRedisTtlStore(redis.url, {
    keyPrefix: `bench:${randomBytes(4).toString('hex')}:`,
  });
  for (const [label, store] of [
    ['memory', memory],
    ['redis', redisStore],
  ] as const) {
    rows.push(await measure(`TtlStore ${label}: incr(ttl)`, () => store.incr('rate', { ttlMs: 60_000 })));
    await store.set('grant', 'x');
    rows.push(await measure(`TtlStore ${label}: get`, () => store.get('grant')));
  }
} finally {
  await embedded.close();
  await pg.stop();
  await redis.stop();
}

console.log(`storage latency, sequential, ${ITERATIONS} ops after ${WARMUP} warm-up (node ${process.version})`);
console.table(rows);
console.log('harness start-up');
console.table(startup);
