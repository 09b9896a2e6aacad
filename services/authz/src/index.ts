import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { HERMES_VERSION, migrateAndRegister, type ServiceModule } from '@hermes/platform';
import { PgPairingStore } from './adapters/pg-pairing-store.ts';
import { TtlPairingLimits } from './adapters/ttl-pairing-limits.ts';
import { createAuthzMetrics } from './authz-metrics.ts';
import { Checker } from './checker.ts';
import { DecisionCache } from './decision-cache.ts';
import { buildPolicy } from './domain/authz-policy.ts';
import type { RandomIndex } from './domain/pairing-code.ts';
import { platformName as platformNameOf } from './domain/platforms.ts';
import { type InvalidationBus, natsInvalidationBus } from './invalidation-bus.ts';
import { PairingService } from './pairing-service.ts';
import { authzRegistration } from './server.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export interface AuthzServiceOptions {
  /** Prefix of every TTL-store key (default `hermes:authz:`); replicas sharing state share it. */
  readonly keyPrefix?: string;
  /** NATS subject of the cache-invalidation broadcast (default `hermes.v1.authz.invalidate`). */
  readonly invalidationSubject?: string;
  /** Upper bound on how long a cached pairing answer lives without an invalidation (default 30 s). */
  readonly cacheTtlMs?: number;
  readonly cacheMaxEntries?: number;
  /** Tests only: the code generator's random source (default `crypto.randomInt`). */
  readonly random?: RandomIndex;
}

/** Layer 1, user authorization: allowlists, DM pairing codes, lockouts, rate limits. */
export function createAuthzService(options: AuthzServiceOptions = {}): ServiceModule {
  return {
    name: 'authz',
    async create(deps) {
      const { instanceId } = await migrateAndRegister(deps, 'authz', migrationsDir, HERMES_VERSION);
      const policy = buildPolicy(deps.config.gateway);
      for (const warning of policy.warnings) deps.logger.warn({}, warning);
      const db = await deps.database();
      const store = new PgPairingStore(db.sql);
      const limits = new TtlPairingLimits(await deps.ttlStore(), options.keyPrefix ?? 'hermes:authz:');
      const metrics = createAuthzMetrics(deps.metrics);
      const cache = new DecisionCache({
        ttlMs: options.cacheTtlMs ?? 30_000,
        maxEntries: options.cacheMaxEntries ?? 50_000,
        now: deps.clock,
      });
      // Several replicas only exist behind NATS; embedded mode has one, and its own invalidation suffices.
      let bus: InvalidationBus | undefined;
      const natsUrl = deps.config.runtime.nats_url;
      if (natsUrl) {
        bus = await natsInvalidationBus({
          url: natsUrl,
          origin: instanceId ?? randomUUID(),
          logger: deps.logger,
          ...(options.invalidationSubject ? { subject: options.invalidationSubject } : {}),
          onInvalidate: (inv) => cache.invalidate(DecisionCache.key(platformNameOf(inv.platform), inv.userId)),
          onConnectivity: (connected) => cache.setEnabled(connected),
        });
      }
      const checker = new Checker({ policy, store, cache, audit: deps.audit, metrics, logger: deps.logger });
      const pairing = new PairingService({
        store,
        limits,
        clock: deps.clock,
        audit: deps.audit,
        metrics,
        logger: deps.logger,
        ...(options.random ? { random: options.random } : {}),
        onChanged: async (platform, userId) => {
          cache.invalidate(DecisionCache.key(platformNameOf(platform), userId));
          try {
            await bus?.publish({ platform, userId });
          } catch (error) {
            // Other replicas still drop the entry within the cache TTL.
            deps.logger.error({ err: error }, 'cache invalidation broadcast failed');
          }
        },
      });
      return {
        registrations: [authzRegistration(checker, pairing)],
        close: async () => {
          await bus?.close();
        },
      };
    },
  };
}

/** The authz deployable with its defaults (`hermes up`, `hermes serve authz`). */
export const authzService: ServiceModule = createAuthzService();

export { PAIRING_LIMITS } from './domain/limits.ts';
export { CODE_ALPHABET, generateCode, normalizeCode } from './domain/pairing-code.ts';
export { INVALIDATION_SUBJECT } from './invalidation-bus.ts';
export { createAuthzHandlers } from './server.ts';
