import type { AuditSink } from '@hermes/platform';
import type { RpcLogger } from '@hermes/rpc';
import type { TtlPairingLimits } from './adapters/ttl-pairing-limits.ts';
import type { AuthzMetrics } from './authz-metrics.ts';
import { PAIRING_LIMITS } from './domain/limits.ts';
import { codeMatches, generateCode, hashCode, newRequestId, type RandomIndex } from './domain/pairing-code.ts';
import { type PlatformValue, platformName } from './domain/platforms.ts';
import type { ApprovedRecord, PairingStore, PendingRecord } from './ports/pairing-store.ts';

export type RequestCodeResult =
  | { readonly outcome: 'issued'; readonly code: string; readonly expiresAt: number; readonly requestId: string }
  | { readonly outcome: 'rate_limited' | 'locked_out'; readonly retryAfter: number }
  | { readonly outcome: 'platform_full' | 'already_approved' };

export type ApproveResult =
  | { readonly outcome: 'approved'; readonly userId: string; readonly displayName: string }
  | { readonly outcome: 'wrong_code' }
  | { readonly outcome: 'locked_out'; readonly retryAfter: number };

export interface PairingServiceDeps {
  readonly store: PairingStore;
  readonly limits: TtlPairingLimits;
  readonly clock: () => number;
  readonly audit: AuditSink;
  readonly metrics: AuthzMetrics;
  readonly logger: RpcLogger;
  /** Told after a user's approval state changed (cache invalidation here and on every replica). */
  readonly onChanged: (platform: PlatformValue, userId: string) => Promise<void>;
  readonly random?: RandomIndex;
}

/**
 * DM pairing (issue #5 item 2), every number from the seed: 8-character codes from the 32-character
 * alphabet, 1 h expiry, 1 request per user per 10 min, at most 3 pending per platform, 5 failed
 * approvals → 1 h platform lockout that blocks both requesting and approving (Hermes #10195).
 *
 * The plaintext code exists only in the RequestCode reply: it is hashed before storage and never
 * passed to a logger, audit event, metric label or error.
 */
export class PairingService {
  readonly #d: PairingServiceDeps;

  constructor(deps: PairingServiceDeps) {
    this.#d = deps;
  }

  #event(platform: string, event: string): void {
    this.#d.metrics.pairing.inc({ platform, event });
  }

  async requestCode(platform: PlatformValue, userId: string, displayName: string): Promise<RequestCodeResult> {
    const name = platformName(platform);
    const { limits } = this.#d;
    const result = await this.#d.store.withPlatformLock(name, async (tx): Promise<RequestCodeResult> => {
      const now = this.#d.clock();
      if (await tx.isApproved(name, userId)) return { outcome: 'already_approved' };
      const lockedUntil = await limits.lockedUntil(name, now);
      if (lockedUntil !== undefined) return { outcome: 'locked_out', retryAfter: lockedUntil };
      const blockedUntil = await limits.requestBlockedUntil(name, userId, now);
      if (blockedUntil !== undefined) return { outcome: 'rate_limited', retryAfter: blockedUntil };
      await tx.pruneExpired(name, now);
      const others = (await tx.pending(name, now)).filter((p) => p.userId !== userId);
      if (others.length >= PAIRING_LIMITS.maxPendingPerPlatform) return { outcome: 'platform_full' };
      const code = generateCode(this.#d.random);
      const record: PendingRecord = {
        requestId: newRequestId(),
        platform: name,
        userId,
        displayName,
        code: hashCode(code),
        createdAt: now,
        expiresAt: now + PAIRING_LIMITS.codeTtlMs,
      };
      await tx.insertPending(record);
      await limits.recordRequest(name, userId, now);
      return { outcome: 'issued', code, expiresAt: record.expiresAt, requestId: record.requestId };
    });
    this.#event(name, `code_${result.outcome}`);
    this.#d.audit.emit({
      kind: 'authz.pairing.code_request',
      outcome: result.outcome,
      actor: `${name}:${userId}`,
      attributes: {
        platform: name,
        user_id: userId,
        ...(result.outcome === 'issued' ? { request_id: result.requestId, expires_at: result.expiresAt } : {}),
        ...('retryAfter' in result ? { retry_after: result.retryAfter } : {}),
      },
    });
    return result;
  }

  /** Approves by code (normalized by the caller). Wrong, expired and other-platform codes look the same. */
  async approveCode(platform: PlatformValue, code: string): Promise<ApproveResult> {
    const name = platformName(platform);
    const { limits } = this.#d;
    let lockoutBegan: number | undefined;
    let approved: ApprovedRecord | undefined;
    const result = await this.#d.store.withPlatformLock(name, async (tx): Promise<ApproveResult> => {
      const now = this.#d.clock();
      // Hermes #10195: the lockout also refuses a valid, already-issued code.
      const lockedUntil = await limits.lockedUntil(name, now);
      if (lockedUntil !== undefined) return { outcome: 'locked_out', retryAfter: lockedUntil };
      await tx.pruneExpired(name, now);
      // Compare against every live entry (at most three) without stopping early.
      let match: PendingRecord | undefined;
      for (const p of await tx.pending(name, now)) {
        if (codeMatches(code, p.code) && match === undefined) match = p;
      }
      if (match === undefined) {
        const failure = await limits.recordFailure(name, now);
        lockoutBegan = failure.lockedUntil;
        return { outcome: 'wrong_code' };
      }
      approved = { platform: name, userId: match.userId, displayName: match.displayName, approvedAt: now };
      await tx.approve(approved);
      await limits.resetFailures(name);
      return { outcome: 'approved', userId: match.userId, displayName: match.displayName };
    });
    await this.#afterApprove(platform, name, result, 'code');
    if (lockoutBegan !== undefined) {
      this.#event(name, 'lockout');
      this.#d.logger.warn({ platform: name }, 'pairing locked out after repeated failed approvals');
      this.#d.audit.emit({
        kind: 'authz.pairing.lockout',
        outcome: 'locked_out',
        attributes: { platform: name, until: lockoutBegan, failed_attempts: PAIRING_LIMITS.maxFailedAttempts },
      });
    }
    return result;
  }

  /**
   * Admin surfaces approve a pending request by its server-side id (from List). Knowing the id proves
   * nothing about the code, so it neither counts toward nor is gated by the lockout (Hermes).
   */
  async approveRequest(platform: PlatformValue, requestId: string): Promise<ApproveResult> {
    const name = platformName(platform);
    const result = await this.#d.store.withPlatformLock(name, async (tx): Promise<ApproveResult> => {
      const now = this.#d.clock();
      await tx.pruneExpired(name, now);
      const match = (await tx.pending(name, now)).find((p) => p.requestId === requestId);
      if (match === undefined) return { outcome: 'wrong_code' };
      await tx.approve({ platform: name, userId: match.userId, displayName: match.displayName, approvedAt: now });
      return { outcome: 'approved', userId: match.userId, displayName: match.displayName };
    });
    await this.#afterApprove(platform, name, result, 'request_id');
    return result;
  }

  async #afterApprove(platform: PlatformValue, name: string, result: ApproveResult, by: string): Promise<void> {
    if (result.outcome === 'approved') {
      await this.#d.onChanged(platform, result.userId);
      this.#event(name, 'approved');
      this.#d.audit.emit({
        kind: 'authz.pairing.approve',
        outcome: 'approved',
        actor: `${name}:${result.userId}`,
        attributes: { platform: name, user_id: result.userId, by },
      });
    } else {
      this.#event(name, result.outcome === 'locked_out' ? 'approve_locked_out' : 'approve_failed');
      this.#d.audit.emit({
        kind: 'authz.pairing.approve',
        outcome: result.outcome === 'locked_out' ? 'locked_out' : 'failed',
        attributes: { platform: name, by },
      });
    }
  }

  async revoke(platform: PlatformValue, userId: string): Promise<boolean> {
    const name = platformName(platform);
    const removed = await this.#d.store.revoke(name, userId);
    if (removed) await this.#d.onChanged(platform, userId);
    this.#event(name, removed ? 'revoked' : 'revoke_not_found');
    this.#d.audit.emit({
      kind: 'authz.pairing.revoke',
      outcome: removed ? 'revoked' : 'not_found',
      actor: `${name}:${userId}`,
      attributes: { platform: name, user_id: userId },
    });
    return removed !== undefined;
  }

  async list(platform: PlatformValue | undefined): Promise<{ approved: ApprovedRecord[]; pending: PendingRecord[] }> {
    const name = platform === undefined ? undefined : platformName(platform);
    const [approved, pending] = [
      await this.#d.store.listApproved(name),
      await this.#d.store.listPending(name, this.#d.clock()),
    ];
    return { approved, pending };
  }

  async clearPending(platform: PlatformValue | undefined): Promise<number> {
    const name = platform === undefined ? undefined : platformName(platform);
    const cleared = await this.#d.store.clearPending(name, this.#d.clock());
    this.#d.audit.emit({
      kind: 'authz.pairing.clear_pending',
      outcome: 'cleared',
      attributes: { platform: name ?? 'all', cleared },
    });
    return cleared;
  }
}
