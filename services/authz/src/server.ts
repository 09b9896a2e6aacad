import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { authzv1 } from '@hermes/proto';
import {
  Code,
  defineService,
  type HandlerContext,
  RpcError,
  type ServiceImpl,
  type ServiceRegistration,
} from '@hermes/rpc';
import { TtlStoreUnavailableError } from '@hermes/storage';
import type { Checker } from './checker.ts';
import { isRequestId, normalizeCode } from './domain/pairing-code.ts';
import { parsePlatform } from './domain/platforms.ts';
import {
  validateChatType,
  validateCheckPlatform,
  validateDisplayName,
  validateOptionalPairingPlatform,
  validatePairingPlatform,
  validateUserId,
} from './domain/validate.ts';
import { InvalidInputError, PairingStoreError } from './errors.ts';
import type { ApproveResult, PairingService, RequestCodeResult } from './pairing-service.ts';

/** Bad input becomes INVALID_ARGUMENT naming the field; everything else the RPC layer maps (unknown → INTERNAL). */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof InvalidInputError) throw new RpcError(Code.INVALID_ARGUMENT, error.message);
    throw error;
  }
}

/**
 * Postgres or Redis away: UNAVAILABLE (retryable) with a generic message, the cause logged here and
 * never sent. Nothing is issued or approved when the state cannot be read: pairing fails closed.
 */
async function stateful<T>(ctx: HandlerContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PairingStoreError || error instanceof TtlStoreUnavailableError) {
      ctx.logger.error({ err: error }, 'pairing state unavailable');
      throw new RpcError(Code.UNAVAILABLE, 'pairing state is unavailable; try again');
    }
    throw error;
  }
}

const RC = authzv1.RequestCodeOutcome;
const requestOutcome: Record<RequestCodeResult['outcome'], authzv1.RequestCodeOutcome> = {
  issued: RC.ISSUED,
  rate_limited: RC.RATE_LIMITED,
  platform_full: RC.PLATFORM_FULL,
  locked_out: RC.LOCKED_OUT,
  already_approved: RC.ALREADY_APPROVED,
};

const AO = authzv1.ApproveOutcome;
const approveOutcome: Record<ApproveResult['outcome'], authzv1.ApproveOutcome> = {
  approved: AO.APPROVED,
  wrong_code: AO.WRONG_CODE,
  locked_out: AO.LOCKED_OUT,
};

/** `hermes.authz.v1.AuthzService`: layer 1 of the seed. */
export function createAuthzHandlers(
  checker: Checker,
  pairing: PairingService,
): ServiceImpl<typeof authzv1.AuthzService> {
  return {
    async check(req) {
      const [platform, userId, chatType] = guard(
        () =>
          [validateCheckPlatform(req.platform), validateUserId(req.userId), validateChatType(req.chatType)] as const,
      );
      const decision = await checker.check(platform, userId, chatType);
      return { allowed: decision.allowed, rule: decision.rule };
    },

    async requestCode(req, ctx) {
      const [platform, userId, displayName] = guard(
        () =>
          [
            validatePairingPlatform(req.platform),
            validateUserId(req.userId),
            validateDisplayName(req.displayName),
          ] as const,
      );
      const r = await stateful(ctx, () => pairing.requestCode(platform, userId, displayName));
      return {
        outcome: requestOutcome[r.outcome],
        ...(r.outcome === 'issued' ? { code: r.code, expiresAt: timestampFromMs(r.expiresAt) } : {}),
        ...('retryAfter' in r ? { retryAfter: timestampFromMs(r.retryAfter) } : {}),
      };
    },

    async approve(req, ctx) {
      const platform = guard(() => validatePairingPlatform(req.platform));
      let r: ApproveResult;
      if (req.requestId !== '') {
        if (req.code !== '') {
          throw new RpcError(Code.INVALID_ARGUMENT, 'set either code or request_id, not both');
        }
        if (!isRequestId(req.requestId)) {
          throw new RpcError(Code.INVALID_ARGUMENT, 'request_id: must be 16 lower-case hex characters');
        }
        r = await stateful(ctx, () => pairing.approveRequest(platform, req.requestId));
      } else {
        const code = normalizeCode(req.code);
        if (code === undefined) {
          throw new RpcError(
            Code.INVALID_ARGUMENT,
            'code: must be 8 characters from A-Z and 2-9 without I and O (spaces and dashes are ignored)',
          );
        }
        r = await stateful(ctx, () => pairing.approveCode(platform, code));
      }
      return {
        approved: r.outcome === 'approved',
        outcome: approveOutcome[r.outcome],
        ...(r.outcome === 'approved' ? { userId: r.userId, displayName: r.displayName } : {}),
        ...(r.outcome === 'locked_out' ? { retryAfter: timestampFromMs(r.retryAfter) } : {}),
      };
    },

    async revoke(req, ctx) {
      const [platform, userId] = guard(
        () => [validatePairingPlatform(req.platform), validateUserId(req.userId)] as const,
      );
      return { revoked: await stateful(ctx, () => pairing.revoke(platform, userId)) };
    },

    async list(req, ctx) {
      const platform = guard(() => validateOptionalPairingPlatform(req.platform));
      const { approved, pending } = await stateful(ctx, () => pairing.list(platform));
      return {
        approved: approved.map((a) => ({
          platform: parsePlatform(a.platform) ?? 0,
          userId: a.userId,
          displayName: a.displayName,
          approvedAt: timestampFromMs(a.approvedAt),
        })),
        // Never the code, nor its hash or salt (Hermes #46580: a hash prefix in the list misled operators).
        pending: pending.map((p) => ({
          platform: parsePlatform(p.platform) ?? 0,
          userId: p.userId,
          displayName: p.displayName,
          createdAt: timestampFromMs(p.createdAt),
          expiresAt: timestampFromMs(p.expiresAt),
          requestId: p.requestId,
        })),
      };
    },

    async clearPending(req, ctx) {
      const platform = guard(() => validateOptionalPairingPlatform(req.platform));
      return { cleared: await stateful(ctx, () => pairing.clearPending(platform)) };
    },
  };
}

export function authzRegistration(
  checker: Checker,
  pairing: PairingService,
): ServiceRegistration<typeof authzv1.AuthzService> {
  return defineService(authzv1.AuthzService, createAuthzHandlers(checker, pairing));
}
