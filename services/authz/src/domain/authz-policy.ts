import type { HermesConfig } from '@hermes/config';
import { authzv1, commonv1 } from '@hermes/proto';
import { configKeyOf, type PlatformValue } from './platforms.ts';

const Rule = authzv1.Rule;

export interface Decision {
  readonly allowed: boolean;
  readonly rule: authzv1.Rule;
}

interface PlatformRules {
  readonly allowAll: boolean;
  readonly allowlist: ReadonlySet<string> | undefined;
}

/**
 * The configuration half of the seed's chain, frozen at start (HOUSE_STYLE rule 8: config is
 * parsed once). The pairing half is a lookup the caller supplies, consulted only when the chain
 * reaches it, so a platform allow-all never touches the database.
 */
export interface AuthzPolicy {
  /** True when the per-platform allow-all flag decides before the pairing lookup. */
  platformAllowsAll(platform: PlatformValue): boolean;
  /**
   * Seed order: per-platform allow-all → DM pairing approved → platform allowlist → global
   * allowlist (`GATEWAY_ALLOWED_USERS`) → global allow-all (`GATEWAY_ALLOW_ALL_USERS=true`) →
   * default deny. `approved` is the pairing store's answer for this (platform, user).
   */
  decide(platform: PlatformValue, userId: string, approved: boolean): Decision;
  /** Operator-facing remarks about risky settings (logged once at start). */
  readonly warnings: readonly string[];
}

/** `*` in an allowlist admits everyone on that list's scope (Hermes `authz_mixin.py`). */
const WILDCARD = '*';

function listed(list: ReadonlySet<string> | undefined, platform: PlatformValue, userId: string): boolean {
  if (list === undefined) return false;
  if (list.has(userId) || list.has(WILDCARD)) return true;
  // WhatsApp: an allowlisted phone number admits its JID (`15551234567@s.whatsapp.net`), as Hermes
  // matches "the user id or its part before @". Other platforms' ids carry no such alias.
  if (platform === commonv1.Platform.WHATSAPP) {
    const at = userId.indexOf('@');
    if (at > 0) return list.has(userId.slice(0, at));
  }
  return false;
}

export function buildPolicy(gateway: HermesConfig['gateway']): AuthzPolicy {
  const perPlatform = new Map<PlatformValue, PlatformRules>();
  const warnings: string[] = [];
  for (const value of Object.values(commonv1.Platform)) {
    if (typeof value !== 'number') continue;
    const key = configKeyOf(value);
    if (key === undefined) continue;
    const p = gateway.platforms[key];
    perPlatform.set(value, {
      allowAll: p.allow_all_users,
      allowlist: p.allowed_users ? new Set(p.allowed_users) : undefined,
    });
    if (p.allow_all_users) {
      warnings.push(`${key.toUpperCase()}_ALLOW_ALL_USERS is on: anyone on ${key} may talk to the agent`);
    }
  }
  const globalList = gateway.allowed_users ? new Set(gateway.allowed_users) : undefined;
  const globalAllowAll = gateway.allow_all_users;
  if (globalAllowAll) {
    warnings.push('GATEWAY_ALLOW_ALL_USERS is on: every user of every platform may talk to the agent');
    const lists = [...perPlatform.values()].some((r) => r.allowlist !== undefined) || globalList !== undefined;
    if (lists) warnings.push('GATEWAY_ALLOW_ALL_USERS is on together with allowlists: the allowlists restrict nobody');
  }

  return {
    warnings,
    platformAllowsAll: (platform) => perPlatform.get(platform)?.allowAll === true,
    decide(platform, userId, approved) {
      const rules = perPlatform.get(platform);
      if (rules?.allowAll) return { allowed: true, rule: Rule.PLATFORM_ALLOW_ALL };
      if (approved) return { allowed: true, rule: Rule.PAIRING_APPROVED };
      if (listed(rules?.allowlist, platform, userId)) return { allowed: true, rule: Rule.PLATFORM_ALLOWLIST };
      if (listed(globalList, platform, userId)) return { allowed: true, rule: Rule.GLOBAL_ALLOWLIST };
      if (globalAllowAll) return { allowed: true, rule: Rule.GLOBAL_ALLOW_ALL };
      return { allowed: false, rule: Rule.DEFAULT_DENY };
    },
  };
}
