// Real NATS (JetStream) and Postgres, an audit service started the way `hermes serve audit` starts
// it, and emitters publishing exactly as every other service does (natsAuditSink).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@hermes/config';
import { createLogger, type Logger } from '@hermes/observability';
import { type AuditSink, natsAuditSink, type RunningPlatform, startPlatform } from '@hermes/platform';
import { auditv1 } from '@hermes/proto';
import { type BusConnection, type Client, connectBus, createClient, GrpcTransport, silentLogger } from '@hermes/rpc';
import { createRedactor } from '@hermes/security';
import postgres from 'postgres';
import { type AuditServiceOptions, type ChainWriter, createAuditService } from '../src/index.ts';

export type AuditClient = Client<typeof auditv1.AuditService>;

export function requireEnv(name: 'NATS_URL' | 'DATABASE_URL'): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through node test/run-tests.ts`);
  return v;
}

export interface AuditReplica {
  readonly platform: RunningPlatform;
  readonly client: AuditClient;
  readonly writer: ChainWriter;
  stop(): Promise<void>;
}

export interface ReplicaOptions {
  readonly natsUrl?: string;
  readonly databaseUrl: string;
  readonly service?: AuditServiceOptions;
  /** config.yaml content (e.g. audit.export / audit.s3). */
  readonly yaml?: string;
  readonly env?: Record<string, string>;
  readonly logger?: Logger;
  readonly graceMs?: number;
}

export async function startAuditReplica(o: ReplicaOptions): Promise<AuditReplica> {
  const home = await mkdtemp(join(tmpdir(), 'hermes-audit-test-'));
  await mkdir(home, { recursive: true });
  if (o.yaml) await writeFile(join(home, 'config.yaml'), o.yaml);
  const config = loadConfig(
    {
      ...o.env,
      ...(o.natsUrl ? { NATS_URL: o.natsUrl } : {}),
      DATABASE_URL: o.databaseUrl,
      HERMES_AUDIT_GRPC_PORT: '0',
      HERMES_AUDIT_METRICS_PORT: '0',
    },
    { home },
  );
  let writer: ChainWriter | undefined;
  const platform = await startPlatform({
    config,
    modules: [
      createAuditService({
        ...o.service,
        onWriter: (w) => {
          writer = w;
        },
      }),
    ],
    logger: o.logger ?? createLogger({ service: 'audit-test', level: 'silent' }),
    metrics: false,
  });
  const transport = new GrpcTransport(platform.services[0]!.grpc.address);
  if (writer === undefined) throw new Error('audit service did not expose its writer');
  return {
    platform,
    client: createClient(auditv1.AuditService, transport),
    writer,
    stop: async () => {
      await transport.close();
      await platform.stop(o.graceMs ?? 2000);
      await rm(home, { recursive: true, force: true });
    },
  };
}

export interface Emitter {
  readonly sink: AuditSink;
  readonly bus: BusConnection;
  close(): Promise<void>;
}

export const KNOWN_SECRET = 'audit-known-secret-Zq81xw';

/** Publishes like a service does: `hermes.v1.audit.events.<service>`, protobuf, redacted. */
export async function emitter(natsUrl: string, service: string): Promise<Emitter> {
  const bus = await connectBus({ url: natsUrl, name: `audit-test-${service}`, logger: silentLogger });
  return {
    bus,
    sink: natsAuditSink(bus, service, createRedactor({ knownSecrets: [KNOWN_SECRET] })),
    close: () => bus.close(),
  };
}

/** Polls until `check` returns true or the deadline passes. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the chain holds `n` records. */
export async function waitForRecords(client: AuditClient, n: number, timeoutMs = 15_000): Promise<void> {
  await eventually(
    `${n} audit records`,
    async () => {
      try {
        const v = await client.verify({});
        return Number(v.headSeq) >= n;
      } catch {
        return false;
      }
    },
    timeoutMs,
  );
}

export function uniqueId(): string {
  return randomBytes(6).toString('hex');
}

/** A superuser connection to the test database, for tampering the way an attacker with DB access would. */
export function superuser(url: string): postgres.Sql {
  return postgres(url, { max: 1, onnotice: () => {} });
}
