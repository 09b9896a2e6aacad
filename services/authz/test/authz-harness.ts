// Real NATS, Postgres and Redis (from `node test/run-tests.ts`), authz replicas started the way
// `hermes serve authz` starts them, and a clock the test moves by hand.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig } from '@hermes/config';
import { createLogger, type Logger } from '@hermes/observability';
import { type RunningPlatform, startPlatform } from '@hermes/platform';
import { authzv1 } from '@hermes/proto';
import {
  type BusConnection,
  type Client,
  connectBus,
  createClient,
  GrpcTransport,
  NatsTransport,
  silentLogger,
} from '@hermes/rpc';
import { openRedisTtlStore, type TtlStore } from '@hermes/storage';
import { createTestDatabase, type TestDatabase } from '@hermes/testing';
import { type AuthzServiceOptions, createAuthzService } from '../src/index.ts';

export type AuthzClient = Client<typeof authzv1.AuthzService>;

export function requireEnv(name: 'NATS_URL' | 'DATABASE_URL' | 'REDIS_URL'): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through node test/run-tests.ts`);
  return v;
}

/** Epoch ms the test controls; every replica reads it. */
export class TestClock {
  now = Date.parse('2026-03-01T12:00:00Z');
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface Replica {
  readonly platform: RunningPlatform;
  readonly client: AuthzClient;
  readonly grpcAddress: string;
  readonly metricsUrl: string | undefined;
}

export interface AuthzCluster extends AsyncDisposable {
  readonly clock: TestClock;
  readonly db: TestDatabase;
  readonly keyPrefix: string;
  readonly replicas: Replica[];
  /** A client over NATS (queue group: any replica answers). */
  readonly client: AuthzClient;
  /** The shared Redis, unprefixed, for inspecting or rewriting keys. */
  readonly redis: TtlStore;
  readonly bus: BusConnection;
  addReplica(): Promise<Replica>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly env?: Record<string, string>;
  readonly replicas?: number;
  readonly logger?: Logger;
  readonly metrics?: boolean;
  readonly service?: AuthzServiceOptions;
}

/** Collects every log line written through it. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ service: 'authz-test', level: 'trace', destination }), lines };
}

export async function startCluster(options: ClusterOptions = {}): Promise<AuthzCluster> {
  const natsUrl = requireEnv('NATS_URL');
  const db = await createTestDatabase(requireEnv('DATABASE_URL'));
  const id = randomBytes(6).toString('hex');
  const keyPrefix = `test:authz:${id}:`;
  const clock = new TestClock();
  const config = loadConfig(
    {
      ...options.env,
      NATS_URL: natsUrl,
      DATABASE_URL: db.url,
      REDIS_URL: requireEnv('REDIS_URL'),
      HERMES_AUTHZ_GRPC_PORT: '0',
      HERMES_AUTHZ_METRICS_PORT: '0',
    },
    { home: `/nonexistent/hermes-authz-test-${id}` },
  );
  const module = createAuthzService({
    keyPrefix,
    invalidationSubject: `test.authz.invalidate.${id}`,
    ...options.service,
  });
  const logger = options.logger ?? createLogger({ service: 'authz-test', level: 'silent' });
  const bus = await connectBus({ url: natsUrl, name: `authz-test-${id}`, logger: silentLogger });
  const redis = await openRedisTtlStore(requireEnv('REDIS_URL'));
  const replicas: Replica[] = [];

  const addReplica = async (): Promise<Replica> => {
    const platform = await startPlatform({
      config,
      modules: [module],
      logger,
      clock: clock.read,
      metrics: options.metrics ?? false,
    });
    const svc = platform.services[0]!;
    const replica: Replica = {
      platform,
      client: createClient(authzv1.AuthzService, new GrpcTransport(svc.grpc.address)),
      grpcAddress: svc.grpc.address,
      metricsUrl: svc.metrics ? `http://${svc.metrics.host}:${svc.metrics.port}/metrics` : undefined,
    };
    replicas.push(replica);
    return replica;
  };
  for (let i = 0; i < (options.replicas ?? 1); i++) await addReplica();
  await bus.nc.flush();

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const r of replicas) await r.platform.stop(100);
    await bus.close();
    await redis.close();
    await db.drop();
  };
  return {
    clock,
    db,
    keyPrefix,
    replicas,
    client: createClient(authzv1.AuthzService, new NatsTransport(bus)),
    redis,
    bus,
    addReplica,
    close,
    [Symbol.asyncDispose]: close,
  };
}

export const P = { telegram: 1, discord: 2, slack: 3, whatsapp: 4, signal: 5, api: 6, cli: 7 } as const;
export const MIN = 60_000;
export const HOUR = 3_600_000;
