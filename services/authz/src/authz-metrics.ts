import type { Registry } from '@hermes/observability';
import { Counter } from 'prom-client';

/**
 * Authz counters for `/metrics`. Labels are closed sets (platform, rule, outcome): never a user id,
 * display name or code (issue #5: codes never appear in metrics).
 */
export interface AuthzMetrics {
  readonly checks: Counter<'platform' | 'rule' | 'allowed'>;
  readonly cache: Counter<'result'>;
  readonly pairing: Counter<'platform' | 'event'>;
}

export function createAuthzMetrics(registry: Registry): AuthzMetrics {
  return {
    checks: new Counter({
      name: 'hermes_authz_checks_total',
      help: 'Authorization decisions by platform, deciding rule and result',
      labelNames: ['platform', 'rule', 'allowed'] as const,
      registers: [registry],
    }),
    cache: new Counter({
      name: 'hermes_authz_check_cache_total',
      help: 'Pairing lookups of Check answered from the decision cache (hit) or the store (miss)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    pairing: new Counter({
      name: 'hermes_authz_pairing_events_total',
      help: 'Pairing events: code issued or refused, approvals, failed attempts, lockouts, revocations',
      labelNames: ['platform', 'event'] as const,
      registers: [registry],
    }),
  };
}
