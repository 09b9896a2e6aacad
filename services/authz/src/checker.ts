import type { AuditSink } from '@hermes/platform';
import { authzv1 } from '@hermes/proto';
import type { RpcLogger } from '@hermes/rpc';
import type { AuthzMetrics } from './authz-metrics.ts';
import { DecisionCache } from './decision-cache.ts';
import type { AuthzPolicy, Decision } from './domain/authz-policy.ts';
import { type PlatformValue, platformName } from './domain/platforms.ts';
import type { PairingStore } from './ports/pairing-store.ts';

export interface CheckerDeps {
  readonly policy: AuthzPolicy;
  readonly store: PairingStore;
  readonly cache: DecisionCache;
  readonly audit: AuditSink;
  readonly metrics: AuthzMetrics;
  readonly logger: RpcLogger;
}

/**
 * `Check`: the seed's chain with the pairing lookup cached. Never fails open: if the pairing store
 * cannot answer, pairing counts as "not approved" and the rest of the chain decides (an allowlisted
 * user still gets in, a pairing-only user is denied until the store is back).
 */
export class Checker {
  readonly #d: CheckerDeps;

  constructor(deps: CheckerDeps) {
    this.#d = deps;
  }

  async check(platform: PlatformValue, userId: string, chatType: authzv1.ChatType): Promise<Decision> {
    const { policy, cache, metrics } = this.#d;
    const name = platformName(platform);
    let approved = false;
    let storeFailed = false;
    if (!policy.platformAllowsAll(platform)) {
      const key = DecisionCache.key(name, userId);
      const cached = cache.get(key);
      if (cached !== undefined) {
        metrics.cache.inc({ result: 'hit' });
        approved = cached;
      } else {
        metrics.cache.inc({ result: 'miss' });
        const generation = cache.generation();
        try {
          approved = await this.#d.store.isApproved(name, userId);
          cache.store(key, approved, generation);
        } catch (error) {
          storeFailed = true;
          this.#d.logger.error({ err: error, platform: name }, 'pairing lookup failed; treating as not approved');
        }
      }
    }
    const decision = policy.decide(platform, userId, approved);
    const rule = authzv1.Rule[decision.rule] ?? 'UNSPECIFIED';
    metrics.checks.inc({ platform: name, rule, allowed: String(decision.allowed) });
    this.#d.audit.emit({
      kind: 'authz.check',
      outcome: decision.allowed ? 'allowed' : 'denied',
      actor: `${name}:${userId}`,
      attributes: {
        platform: name,
        user_id: userId,
        chat_type: authzv1.ChatType[chatType] ?? 'UNSPECIFIED',
        rule,
        ...(storeFailed ? { pairing_lookup: 'failed' } : {}),
      },
    });
    return decision;
  }
}
