// `hermes.gateway.v1.AgentService` handlers. They are reachable only through the authenticated
// listener (agent-listener.ts), which verifies the API key first and then calls them on a private
// in-process bus stating `key:<id>` as the caller; a caller this table does not know is refused.
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { TerminalBackend } from '@hermes/config';
import { commonv1, gatewayv1 } from '@hermes/proto';
import { defineService, type HandlerContext, type ServiceImpl, type ServiceRegistration } from '@hermes/rpc';
import type { ApiPrincipal } from '../api-keys/authenticator.ts';
import { Scope } from '../api-keys/scopes.ts';
import { AuthFailure, InvalidRunRequestError, ScopeError, UnauthenticatedError } from '../errors.ts';
import { choiceFromName, type Pipeline } from '../pipeline/pipeline.ts';
import type { RunRecord } from '../pipeline/run-registry.ts';
import { backendFromProto, backendToProto, parseBackendName } from '../pipeline/sanitize.ts';
import { mapErrors, toGatewayRpcError } from '../rpc-errors.ts';

export const AGENT_API_ROUTE = 'hermes.v1.gateway-agent-api';

/** Principals of calls in flight on the private bus, by key id (set by the listener). */
export class PrincipalTable {
  readonly #byKey = new Map<string, { principal: ApiPrincipal; refs: number }>();

  /** Registers a principal for the duration of one call; returns the release function. */
  hold(p: ApiPrincipal): () => void {
    const e = this.#byKey.get(p.keyId);
    if (e) {
      e.principal = p;
      e.refs++;
    } else this.#byKey.set(p.keyId, { principal: p, refs: 1 });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const cur = this.#byKey.get(p.keyId);
      if (cur && --cur.refs === 0) this.#byKey.delete(p.keyId);
    };
  }

  of(ctx: HandlerContext): ApiPrincipal {
    const caller = ctx.caller ?? '';
    const e = caller.startsWith('key:') ? this.#byKey.get(caller.slice(4)) : undefined;
    if (!e) throw new UnauthenticatedError(AuthFailure.missing);
    return e.principal;
  }
}

function need(p: ApiPrincipal, scope: Scope): void {
  if (!p.scopes.includes(scope)) throw new ScopeError(scope);
}

/** API sessions are namespaced by key (cross-session isolation, layer 6): no key reaches another's grants. */
export function apiSessionId(p: ApiPrincipal, given: string): string {
  return given === '' ? `k${p.keyId}` : `k${p.keyId}.${given}`;
}

function shownSession(rec: RunRecord): string {
  const dot = rec.sessionId.indexOf('.');
  return rec.owner.startsWith('key:') && dot > 0 ? rec.sessionId.slice(dot + 1) : rec.sessionId;
}

export function runToProto(rec: RunRecord): Omit<gatewayv1.GetRunResponse, '$typeName'> {
  return {
    runId: rec.runId,
    state: rec.state,
    exitCode: rec.exitCode ?? 0,
    sessionId: shownSession(rec),
    command: rec.command,
    backend: backendToProto(parseBackendName(rec.backend)),
    createdAt: timestampFromMs(rec.createdAt),
    ...(rec.finishedAt !== undefined ? { finishedAt: timestampFromMs(rec.finishedAt) } : {}),
    approvalRequestId: rec.approvalRequestId ?? '',
    deniedReason: rec.deniedReason ?? '',
  };
}

export function createAgentHandlers(
  pipeline: Pipeline,
  principals: PrincipalTable,
  defaults: { backend: TerminalBackend },
): ServiceImpl<typeof gatewayv1.AgentService> {
  return {
    async *runCommand(req, ctx) {
      try {
        const p = principals.of(ctx);
        need(p, Scope.run);
        yield* pipeline.run(
          {
            platform: commonv1.Platform.API,
            userId: p.name,
            keyId: p.keyId,
            owner: `key:${p.keyId}`,
            unattended: p.unattended || req.unattended,
          },
          {
            sessionId: apiSessionId(p, req.sessionId),
            command: req.command,
            backend: backendFromProto(req.backend, defaults.backend),
            cwd: req.cwd,
            timeoutSeconds: req.timeoutSeconds,
          },
          ctx.signal,
        );
      } catch (err) {
        throw toGatewayRpcError(err);
      }
    },
    getRun: (req, ctx) =>
      mapErrors(async () => {
        const p = principals.of(ctx);
        need(p, Scope.run);
        if (!req.runId) throw new InvalidRunRequestError('run_id', 'is required');
        return runToProto(await pipeline.get(req.runId, `key:${p.keyId}`));
      }),
    cancelRun: (req, ctx) =>
      mapErrors(async () => {
        const p = principals.of(ctx);
        need(p, Scope.run);
        if (!req.runId) throw new InvalidRunRequestError('run_id', 'is required');
        return { cancelled: await pipeline.cancel(req.runId, `key:${p.keyId}`) };
      }),
    resolveApproval: (req, ctx) =>
      mapErrors(async () => {
        const p = principals.of(ctx);
        need(p, Scope.approve);
        if (!req.requestId) throw new InvalidRunRequestError('request_id', 'is required');
        const choice = choiceFromName(req.choice);
        if (choice === undefined) throw new InvalidRunRequestError('choice', 'once, session, always or deny');
        const r = await pipeline.resolve(req.requestId, choice, `key:${p.keyId}:${p.name}`, req.reason.slice(0, 1000));
        return { resolved: r.resolved, message: r.message };
      }),
  };
}

/** Registered only on the gateway's private bus, never on NATS or the platform gRPC port. */
export function agentRegistration(
  pipeline: Pipeline,
  principals: PrincipalTable,
  defaults: { backend: TerminalBackend },
): ServiceRegistration<typeof gatewayv1.AgentService> {
  return defineService(gatewayv1.AgentService, createAgentHandlers(pipeline, principals, defaults), {
    name: 'gateway',
    subjectPrefix: AGENT_API_ROUTE,
  });
}
