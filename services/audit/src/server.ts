import { auditv1 } from '@hermes/proto';
import {
  Code,
  defineService,
  type HandlerContext,
  RpcError,
  type ServiceImpl,
  type ServiceRegistration,
} from '@hermes/rpc';
import type { PgAuditStore } from './adapters/pg-audit-store.ts';
import { verifyChain } from './domain/verify-chain.ts';
import { AuditStoreError, ExportFailedError, InvalidExportTargetError, NoExportTargetError } from './errors.ts';
import type { Exporter } from './exporter.ts';
import { msOf, recordToProto } from './proto-map.ts';

export const DEFAULT_QUERY_LIMIT = 100;
export const MAX_QUERY_LIMIT = 10_000;

export interface AuditHandlerDeps {
  readonly store: PgAuditStore;
  readonly exporter: Exporter;
  /** `audit.export.to`, used when a request names no target. */
  readonly defaultExportTarget: string | undefined;
}

/**
 * The one place audit errors become statuses: Postgres or object storage away → UNAVAILABLE with a
 * generic message (cause logged, never sent); a bad target → INVALID_ARGUMENT; no target at all →
 * FAILED_PRECONDITION. Anything else reaches the RPC layer as INTERNAL.
 */
async function guarded<T>(ctx: HandlerContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AuditStoreError) {
      ctx.logger.error({ err: error }, 'audit store unavailable');
      throw new RpcError(Code.UNAVAILABLE, 'the audit store is unavailable; try again');
    }
    if (error instanceof ExportFailedError) {
      ctx.logger.error({ err: error, key: error.key }, 'audit export failed');
      throw new RpcError(Code.UNAVAILABLE, 'writing to the export target failed; try again');
    }
    if (error instanceof InvalidExportTargetError) throw new RpcError(Code.INVALID_ARGUMENT, error.message);
    if (error instanceof NoExportTargetError) throw new RpcError(Code.FAILED_PRECONDITION, error.message);
    throw error;
  }
}

/** `hermes.audit.v1.AuditService`: query, verify and export the hash-chained trail. */
export function createAuditHandlers(d: AuditHandlerDeps): ServiceImpl<typeof auditv1.AuditService> {
  return {
    query: (req, ctx) =>
      guarded(ctx, async () => {
        const sinceMs = msOf(req.since);
        const untilMs = msOf(req.until);
        const records = await d.store.query({
          ...(sinceMs !== undefined ? { sinceMs } : {}),
          ...(untilMs !== undefined ? { untilMs } : {}),
          outcome: req.outcome,
          actor: req.actor,
          kind: req.kind,
          service: req.service,
          sessionId: req.sessionId,
          limit: Math.min(req.limit === 0 ? DEFAULT_QUERY_LIMIT : req.limit, MAX_QUERY_LIMIT),
        });
        return { records: records.map(recordToProto) };
      }),
    verify: (_req, ctx) =>
      guarded(ctx, async () => {
        const head = await d.store.head();
        const r = await verifyChain(head, (after, upto, limit) => {
          ctx.signal.throwIfAborted();
          return d.store.page(after, upto, limit);
        });
        if (!r.intact) ctx.logger.warn({ seq: r.firstBrokenSeq, reason: r.reason }, 'audit chain is broken');
        return {
          intact: r.intact,
          checked: BigInt(r.checked),
          firstBrokenSeq: BigInt(r.firstBrokenSeq),
          reason: r.reason,
          headSeq: BigInt(r.head.seq),
          headHash: r.head.hash,
        };
      }),
    export: (req, ctx) =>
      guarded(ctx, async () => {
        const to = req.to || d.defaultExportTarget;
        if (!to) throw new NoExportTargetError();
        const r = await d.exporter.export(to, req.full, ctx.signal);
        ctx.logger.info({ records: r.records, objects: r.keys.length }, 'audit export written');
        return {
          keys: [...r.keys],
          records: BigInt(r.records),
          firstSeq: BigInt(r.firstSeq),
          lastSeq: BigInt(r.lastSeq),
        };
      }),
  };
}

export function auditRegistration(d: AuditHandlerDeps): ServiceRegistration<typeof auditv1.AuditService> {
  return defineService(auditv1.AuditService, createAuditHandlers(d));
}
