// `hermes.approval.v1.ApprovalService` handlers: protobuf in, ApprovalCore, protobuf out. Errors are
// mapped to RPC status codes here and only here.
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { approvalv1 } from '@hermes/proto';
import { Code, defineService, RpcError, type ServiceImpl, type ServiceRegistration } from '@hermes/rpc';
import { type ApprovalCore, DEFAULT_PROFILE } from './approval-core.ts';
import { AllowlistStoreError, AskNotFoundError, InvalidApprovalRequestError } from './errors.ts';
import {
  backendFromProto,
  backendToProto,
  choiceFromProto,
  choiceToProto,
  findingFromProto,
  findingToProto,
  outcomeToProto,
  verdictToProto,
} from './proto-map.ts';

const MAX_PROFILE = 128;

function toRpcError(err: unknown): unknown {
  if (err instanceof InvalidApprovalRequestError) return new RpcError(Code.INVALID_ARGUMENT, err.message);
  if (err instanceof AskNotFoundError) return new RpcError(Code.NOT_FOUND, err.message);
  if (err instanceof AllowlistStoreError) return new RpcError(Code.UNAVAILABLE, err.message, { cause: err });
  return err;
}

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toRpcError(err);
  }
}

function profileOf(p: string): string {
  if (p.length > MAX_PROFILE) throw new InvalidApprovalRequestError('profile', 'profile name too long');
  return p || DEFAULT_PROFILE;
}

function requireSession(id: string): string {
  if (!id) throw new InvalidApprovalRequestError('session_id', 'session_id is required');
  return id;
}

export function createApprovalHandlers(core: ApprovalCore): ServiceImpl<typeof approvalv1.ApprovalService> {
  return {
    evaluate: (req, ctx) =>
      mapped(async () => {
        const v = await core.evaluate(
          {
            sessionId: req.sessionId,
            command: req.command,
            backend: backendFromProto(req.backend),
            cwd: req.cwd,
            unattended: req.unattended,
            extraFindings: req.findings.map(findingFromProto),
            profile: profileOf(req.profile),
            hostAccess: req.hostAccess,
            dryRun: req.dryRun,
            ...(req.principal?.userId ? { principal: req.principal.userId } : {}),
          },
          { wait: req.wait && !req.dryRun, signal: ctx.signal },
        );
        return verdictToProto(v);
      }),
    await: (req, ctx) =>
      mapped(async () => verdictToProto(await core.await(req.requestId, requireSession(req.sessionId), ctx.signal))),
    resolve: (req, ctx) =>
      mapped(async () => {
        if (!req.requestId) throw new InvalidApprovalRequestError('request_id', 'request_id is required');
        const r = await core.resolve(
          req.requestId,
          choiceFromProto(req.choice),
          req.approver || ctx.caller || '',
          req.reason.slice(0, 1000),
        );
        return {
          resolved: r.resolved,
          message: r.message,
          outcome: outcomeToProto(r.outcome),
          choice: r.choice ? choiceToProto(r.choice) : approvalv1.Choice.UNSPECIFIED,
        };
      }),
    listPending: (req) =>
      mapped(async () => ({
        pending: (await core.listPending(req.sessionId || undefined)).map((a) => ({
          requestId: a.id,
          sessionId: a.sessionId,
          command: a.command,
          findings: a.findings.map(findingToProto),
          choices: a.choices.map(choiceToProto),
          deadline: timestampFromMs(a.deadline),
          description: a.description,
          createdAt: timestampFromMs(a.createdAt),
          cwd: a.cwd,
          backend: backendToProto(a.backend),
        })),
      })),
    setSessionYolo: (req) =>
      mapped(async () => ({ enabled: await core.setSessionYolo(requireSession(req.sessionId), req.enabled) })),
    resetSession: (req) =>
      mapped(async () => ({ cancelledAsks: await core.resetSession(requireSession(req.sessionId)) })),
    listAllowlist: (req) =>
      mapped(async () => ({
        entries: (await core.listAllowlist(profileOf(req.profile))).map((e) => ({
          profile: e.profile,
          entry: e.entry,
          source: e.source,
          ...(e.createdAt !== undefined ? { createdAt: timestampFromMs(e.createdAt) } : {}),
          createdBy: e.createdBy ?? '',
          requestId: e.requestId ?? '',
        })),
      })),
    removeAllowlist: (req, ctx) =>
      mapped(async () => {
        if (!req.entry) throw new InvalidApprovalRequestError('entry', 'entry is required');
        return core.removeAllowlist(profileOf(req.profile), req.entry, ctx.caller ?? '');
      }),
    listGrantKeys: () => ({
      keys: core.grantKeys().map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, active: k.active })),
    }),
  };
}

export function approvalRegistration(
  core: ApprovalCore,
  options: { maxMessageBytes?: number; subjectPrefix?: string } = {},
): ServiceRegistration<typeof approvalv1.ApprovalService> {
  return defineService(approvalv1.ApprovalService, createApprovalHandlers(core), options);
}
