// Test fixture: the approval service served over real NATS, with its state in real Redis and its
// allowlist in real Postgres, an injected clock, and an audit sink that keeps what was emitted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@hermes/config';
import type { AuditEventInit, AuditSink } from '@hermes/platform';
import { approvalv1 } from '@hermes/proto';
import { connectBus, createClient, NatsTransport, serveNats, silentLogger } from '@hermes/rpc';
import { createRedactor, GrantVerifier, grantNonceKey } from '@hermes/security';
import { initShellParserFromDisk } from '@hermes/security/node';
import { type Database, migrate, openDatabase, openRedisTtlStore, type TtlStore } from '@hermes/storage';
import { createTestDatabase, startNats, startPostgres, startRedis } from '@hermes/testing';
import { PgAllowlistStore } from '../src/adapters/pg-allowlist-store.ts';
import { ApprovalCore } from '../src/approval-core.ts';
import { loadGrantKeys } from '../src/grant-issuer.ts';
import { approvalRegistration } from '../src/server.ts';
import { approvalSettings } from '../src/settings.ts';
import { createChatCompletionsReviewer } from '../src/smart/smart-reviewer.ts';

const migrations = new URL('../migrations', import.meta.url).pathname;

export const quietLogger = { info() {}, warn() {}, error() {} };

/** Shared infrastructure of one test file: NATS, a fresh Postgres database, Redis. */
export interface Infra {
  readonly natsUrl: string;
  readonly db: Database;
  readonly redisUrl: string;
  close(): Promise<void>;
}

export async function startInfra(): Promise<Infra> {
  await initShellParserFromDisk();
  const [nats, pg, redis] = await Promise.all([startNats(), startPostgres(), startRedis()]);
  const testDb = await createTestDatabase(pg.url);
  const db = await openDatabase({ url: testDb.url, max: 4 });
  await migrate(db.sql, { schema: 'approval', migrations });
  return {
    natsUrl: nats.url,
    db,
    redisUrl: redis.url,
    async close() {
      await db.close();
      await testDb.drop();
      await Promise.allSettled([nats.stop(), pg.stop(), redis.stop()]);
    },
  };
}

export interface TestClock {
  (): number;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 0, 1)): TestClock {
  let now = start;
  const c = (() => now) as TestClock;
  c.advance = (ms: number) => {
    now += ms;
  };
  return c;
}

export interface ReplicaOptions {
  /** config.yaml text for this replica (HERMES_HOME is a temp dir). */
  readonly yaml?: string;
  readonly env?: Record<string, string>;
  readonly clock?: TestClock;
  /** Redis key prefix: replicas of one "deployment" share it; tests use their own. */
  readonly prefix: string;
  readonly events?: AuditEventInit[];
  readonly knownSecrets?: readonly string[];
}

export interface Replica {
  readonly core: ApprovalCore;
  readonly store: TtlStore;
  readonly client: ReturnType<typeof createClient<typeof approvalv1.ApprovalService>>;
  readonly events: AuditEventInit[];
  readonly clock: TestClock;
  /** A verifier holding this replica's public keys, consuming nonces from the shared store. */
  readonly verifier: GrantVerifier;
  /** Graceful stop: in-flight calls finish, then connections close. */
  stop(): Promise<void>;
  /** Like SIGKILL: the NATS connection drops at once, in-flight calls get no answer. */
  kill(): Promise<void>;
}

export async function startReplica(infra: Infra, options: ReplicaOptions): Promise<Replica> {
  const home = mkdtempSync(join(tmpdir(), 'hermes-approval-'));
  if (options.yaml) writeFileSync(join(home, 'config.yaml'), options.yaml);
  const config = loadConfig({ HERMES_HOME: home, ...options.env }, { home });
  const clock = options.clock ?? testClock();
  const events = options.events ?? [];
  const audit: AuditSink = { emit: (e) => void events.push(e), flush: async () => {} };
  const settings = approvalSettings(config);
  let keys: ReturnType<typeof loadGrantKeys>;
  try {
    keys = loadGrantKeys(config, clock);
  } catch (e) {
    rmSync(home, { recursive: true, force: true });
    throw e;
  }
  const store = await openRedisTtlStore(infra.redisUrl, { keyPrefix: `${options.prefix}:` });
  const redactor = createRedactor({ knownSecrets: options.knownSecrets ?? [] });
  const core = new ApprovalCore({
    settings,
    store,
    allowlist: new PgAllowlistStore(infra.db),
    keys,
    audit,
    redact: (s) => redactor.redact(s),
    clock,
    reviewer: settings.smart
      ? createChatCompletionsReviewer({
          baseUrl: settings.smart.baseUrl,
          model: settings.smart.model,
          apiKey: settings.smart.apiKey,
          timeoutMs: settings.smart.timeoutMs,
        })
      : undefined,
    logger: quietLogger,
    pollMs: 20,
    sweepMs: 50,
  });
  const server = await connectBus({ url: infra.natsUrl, name: 'approval', logger: silentLogger });
  const caller = await connectBus({ url: infra.natsUrl, name: 'caller', logger: silentLogger });
  // Each replica gets its own subjects, so the test's client talks to exactly that replica (replicas of
  // one deployment share the Redis prefix, which is what makes them agree).
  const route = `hermes.v1.approval.${options.prefix}.r${++replicaCount}`;
  const serving = serveNats(server, [approvalRegistration(core, { subjectPrefix: route })], silentLogger);
  await server.nc.flush();
  const client = createClient(approvalv1.ApprovalService, new NatsTransport(caller), { route });
  const verifier = new GrantVerifier({
    keys: Object.fromEntries(keys.keys.map((k) => [k.keyId, k.publicKey])),
    take: async (nonce) => (await store.take(grantNonceKey(nonce))) !== undefined,
    now: clock,
  });
  let killed = false;
  let stopped = false;
  return {
    core,
    store,
    client,
    events,
    clock,
    verifier,
    async kill() {
      if (killed) return;
      killed = true;
      core.close();
      await server.close();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!killed) {
        killed = true;
        core.close();
        await serving.stop();
        await server.close();
      }
      await Promise.allSettled([caller.close(), store.close()]);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

let counter = 0;
let replicaCount = 0;
/** A fresh Redis key prefix and session id per test. */
export function fresh(tag: string): { prefix: string; session: string } {
  counter++;
  const r = Math.random().toString(36).slice(2, 8);
  return { prefix: `t-${tag}-${r}-${counter}`, session: `s-${tag}-${r}-${counter}` };
}
