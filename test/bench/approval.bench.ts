// `make bench` (issue #6): ApprovalService.Evaluate p50/p99 over NATS for an allow (with its signed
// grant and the nonce registered in Redis) and a deny (hardline), plus grant sign + verify per second.
//   node test/run-tests.ts --bench test/bench/approval.bench.ts
import { loadConfig } from '@hermes/config';
import { approvalv1 } from '@hermes/proto';
import { connectBus, createClient, NatsTransport, serveNats, silentLogger } from '@hermes/rpc';
import {
  createRedactor,
  GrantSigner,
  GrantVerifier,
  generateGrantKeyPair,
  grantNonceKey,
  shellArgv,
} from '@hermes/security';
import { initShellParserFromDisk } from '@hermes/security/node';
import { migrate, openDatabase, openRedisTtlStore } from '@hermes/storage';
import { createTestDatabase, startNats, startPostgres, startRedis } from '@hermes/testing';
// The root package does not depend on the services; the bench reaches into the approval service's source.
import { PgAllowlistStore } from '../../services/approval/src/adapters/pg-allowlist-store.ts';
import { ApprovalCore } from '../../services/approval/src/approval-core.ts';
import { loadGrantKeys } from '../../services/approval/src/grant-issuer.ts';
import { approvalRegistration } from '../../services/approval/src/server.ts';
import { approvalSettings } from '../../services/approval/src/settings.ts';

const WARMUP = 500;
const SAMPLES = 3_000;
const CRYPTO_MS = 1_500;

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

await initShellParserFromDisk();
const [nats, pg, redis] = await Promise.all([startNats(), startPostgres(), startRedis()]);
const testDb = await createTestDatabase(pg.url);
const db = await openDatabase({ url: testDb.url });
await migrate(db.sql, {
  schema: 'approval',
  migrations: new URL('../../services/approval/migrations', import.meta.url).pathname,
});
const store = await openRedisTtlStore(redis.url, { keyPrefix: `bench-${process.pid}:` });
const config = loadConfig({ HERMES_HOME: '/nonexistent-hermes-home' });
const redactor = createRedactor();
const core = new ApprovalCore({
  settings: approvalSettings(config),
  store,
  allowlist: new PgAllowlistStore(db),
  keys: loadGrantKeys(config, Date.now),
  audit: { emit() {}, flush: async () => {} },
  redact: (s) => redactor.redact(s),
  clock: Date.now,
  logger: { info() {}, warn() {}, error() {} },
  sweepMs: 0,
});
const server = await connectBus({ url: nats.url, name: 'approval', logger: silentLogger });
const caller = await connectBus({ url: nats.url, name: 'bench', logger: silentLogger });
const serving = serveNats(server, [approvalRegistration(core)], silentLogger);
await server.nc.flush();
const client = createClient(approvalv1.ApprovalService, new NatsTransport(caller));

const rows: { case: string; p50: string; p99: string; rps: string }[] = [];
for (const [name, command] of [
  ['Evaluate allow (ls -la, grant signed)', 'ls -la /srv/app'],
  ['Evaluate deny (hardline rm -rf /)', 'rm -rf /'],
  ['Evaluate allow (git status && make test)', 'git status && make test'],
] as const) {
  for (let i = 0; i < WARMUP; i++) await client.evaluate({ sessionId: 'bench', command, cwd: '/srv/app' });
  const lat = new Float64Array(SAMPLES);
  const t0 = performance.now();
  for (let i = 0; i < SAMPLES; i++) {
    const s = performance.now();
    await client.evaluate({ sessionId: 'bench', command, cwd: '/srv/app' });
    lat[i] = (performance.now() - s) * 1000;
  }
  const total = performance.now() - t0;
  lat.sort();
  rows.push({
    case: name,
    p50: `${pct(lat, 0.5).toFixed(0)} µs`,
    p99: `${pct(lat, 0.99).toFixed(0)} µs`,
    rps: `${Math.round(SAMPLES / (total / 1000))}/s (1 in flight)`,
  });
}

// Grant sign + verify, pure crypto (the executor's verify also takes the nonce; here from memory).
const pair = generateGrantKeyPair();
const signer = new GrantSigner({ keyId: 'bench', privateKey: pair.privateKey });
const live = new Set<string>();
const verifier = new GrantVerifier({
  keys: { bench: pair.publicKey },
  take: async (n) => live.delete(grantNonceKey(n)),
});
const subject = {
  sessionId: 's',
  argv: shellArgv('make test'),
  cwd: '/srv/app',
  backend: 'local' as const,
  approvalId: 'a',
};
const expected = { sessionId: 's', argv: shellArgv('make test'), cwd: '/srv/app', backend: 'local' as const };
let n = 0;
let until = performance.now() + CRYPTO_MS;
let t0 = performance.now();
while (performance.now() < until) {
  signer.sign(subject);
  n++;
}
rows.push({ case: 'grant sign', p50: '', p99: '', rps: `${Math.round(n / ((performance.now() - t0) / 1000))}/s` });
n = 0;
until = performance.now() + CRYPTO_MS;
t0 = performance.now();
while (performance.now() < until) {
  const g = signer.sign(subject);
  live.add(grantNonceKey(g.claims.nonce));
  await verifier.verify(g.token, expected);
  n++;
}
rows.push({
  case: 'grant sign + verify (nonce in memory)',
  p50: '',
  p99: '',
  rps: `${Math.round(n / ((performance.now() - t0) / 1000))}/s`,
});
// The executor's real path: verify with the nonce taken from Redis.
const redisVerifier = new GrantVerifier({
  keys: { bench: pair.publicKey },
  take: async (nonce) => (await store.take(grantNonceKey(nonce))) !== undefined,
});
n = 0;
until = performance.now() + CRYPTO_MS;
t0 = performance.now();
while (performance.now() < until) {
  const g = signer.sign(subject);
  await store.set(grantNonceKey(g.claims.nonce), 'a', { ttlMs: 60_000 });
  await redisVerifier.verify(g.token, expected);
  n++;
}
rows.push({
  case: 'grant sign + register + verify (nonce in Redis)',
  p50: '',
  p99: '',
  rps: `${Math.round(n / ((performance.now() - t0) / 1000))}/s`,
});

console.table(rows);
core.close();
await serving.stop();
await Promise.allSettled([server.close(), caller.close(), store.close(), db.close()]);
await testDb.drop();
await Promise.allSettled([nats.stop(), pg.stop(), redis.stop()]);
