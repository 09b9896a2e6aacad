import { generateKeyPairSync } from 'node:crypto';
import { type HermesConfig, secretValues } from '@hermes/config';
import type { Logger } from '@hermes/observability';
import { type BusConnection, connectBus, InProcessBus, NatsTransport, type Transport } from '@hermes/rpc';
import { createRedactor, type Redactor } from '@hermes/security';
import { InProcessAuditBus } from './audit-sink.ts';
import { SharedResources } from './resources.ts';
import type { ServiceModule } from './service-module.ts';
import { type BusBinding, type RunningService, startService } from './start-service.ts';

export interface StartPlatformOptions {
  readonly config: HermesConfig;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly modules: readonly ServiceModule[];
  readonly logger: Logger;
  readonly loggerFor?: (service: string) => Logger;
  /** Embedded PGlite data dir when no DATABASE_URL (created 0700). Unset: in memory. */
  readonly dataDir?: string;
  readonly clock?: () => number;
  readonly metrics?: boolean;
  /** The platform redactor; default one built from the config's secret values. */
  readonly redactor?: Redactor;
}

export interface RunningPlatform {
  readonly bus: 'in-process' | 'nats';
  /** For calling the platform's services from this process (the in-process bus, or NATS). */
  readonly transport: Transport;
  readonly services: readonly RunningService[];
  readonly resources: SharedResources;
  /** The platform redactor every service got (known secret values from config and .env). */
  readonly redactor: Redactor;
  /** Embedded mode only: the in-process audit event bus. */
  readonly auditBus: InProcessAuditBus | undefined;
  /** Stops services in reverse start order, then the bus and shared resources. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a set of services in this process: all seven for `hermes up`, one for `hermes serve`. The
 * bus is NATS when `NATS_URL` is configured, otherwise the in-process bus; the same handlers run either way.
 */
export async function startPlatform(options: StartPlatformOptions): Promise<RunningPlatform> {
  const { logger } = options;
  const config = withEmbeddedGrantKey(options.config, logger);
  const resources = new SharedResources(config, {
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const redactor = options.redactor ?? createRedactor({ knownSecrets: secretValues(config) });
  let natsBus: BusConnection | undefined;
  let binding: BusBinding;
  if (config.runtime.nats_url) {
    natsBus = await connectBus({
      url: config.runtime.nats_url,
      name: `hermes-${options.modules.map((m) => m.name).join('+')}`,
      logger,
      waitOnFirstConnect: true,
    });
    binding = { kind: 'nats', bus: natsBus, transport: new NatsTransport(natsBus) };
  } else {
    binding = { kind: 'in-process', bus: new InProcessBus({ logger }), audit: new InProcessAuditBus() };
  }

  const started: RunningService[] = [];
  const stopAll = async (graceMs?: number) => {
    for (const s of [...started].reverse()) await s.stop(graceMs);
    if (binding.kind === 'in-process') await binding.bus.close();
    await natsBus?.drain();
    await resources.close();
  };
  try {
    for (const m of options.modules) {
      started.push(
        await startService(m, {
          config,
          ...(options.env ? { env: options.env } : {}),
          logger,
          binding,
          resources,
          redactor,
          ...(options.loggerFor ? { loggerFor: options.loggerFor } : {}),
          ...(options.clock ? { clock: options.clock } : {}),
          ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
        }),
      );
    }
  } catch (err) {
    await stopAll(0);
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    bus: binding.kind,
    transport: binding.kind === 'in-process' ? binding.bus : binding.transport,
    services: started,
    resources,
    redactor,
    auditBus: binding.kind === 'in-process' ? binding.audit : undefined,
    stop: (graceMs) => {
      stopping ??= stopAll(graceMs);
      return stopping;
    },
  };
}

/**
 * Embedded mode (no NATS, one process) with no grant key configured: one ephemeral Ed25519 key for
 * this process, so approval signs with it and the executor trusts exactly it. Distributed mode never
 * gets one: a key fetched over the bus could come from an impostor, so there the keys must be
 * configured (`approvals.grants.signing_key` on approval, `public_keys` on executors) and, until
 * they are, executors refuse every run.
 */
function withEmbeddedGrantKey(config: HermesConfig, logger: Logger): HermesConfig {
  const g = config.approvals.grants;
  if (config.runtime.nats_url || g.signing_key !== undefined) return config;
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  logger.info({ keyId: g.key_id ?? 'default' }, 'embedded mode: ephemeral grant signing key for this process');
  return Object.freeze({
    ...config,
    approvals: Object.freeze({ ...config.approvals, grants: Object.freeze({ ...g, signing_key: pem }) }),
  });
}
