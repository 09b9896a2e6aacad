// `hermes.gateway.v1.GatewayService`, the operator plane: served on services.gateway.grpc.port and
// the bus like the other services' admin RPCs (`hermes pairing`, `hermes audit`), and used by
// `hermes apikey` and `hermes exec`. Deployments keep it off public networks (loopback by default;
// NetworkPolicy in deploy/k8s); the Agent API for tools is the authenticated listener instead.
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { TerminalBackend } from '@hermes/config';
import { commonv1, gatewayv1 } from '@hermes/proto';
import { defineService, type ServiceImpl, type ServiceRegistration } from '@hermes/rpc';
import type { ApiKeyAdmin } from './api-keys/api-key-admin.ts';
import type { ApiKeyRecord } from './api-keys/pg-api-key-store.ts';
import { InvalidRunRequestError } from './errors.ts';
import { choiceFromName, type Pipeline } from './pipeline/pipeline.ts';
import { backendFromProto } from './pipeline/sanitize.ts';
import { mapErrors, toGatewayRpcError } from './rpc-errors.ts';

const USER = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/;

function keyToProto(k: ApiKeyRecord) {
  return {
    id: k.id,
    name: k.name,
    scopes: [...k.scopes],
    ratePerMinute: k.ratePerMinute,
    unattended: k.unattended,
    createdAt: timestampFromMs(k.createdAt),
    ...(k.revokedAt !== undefined ? { revokedAt: timestampFromMs(k.revokedAt) } : {}),
  };
}

/** Terminal sessions are namespaced by user (cross-session isolation). */
export function cliSessionId(user: string, given: string): string {
  return given === '' ? `cli-${user}` : `cli-${user}.${given}`;
}

export function createAdminHandlers(
  pipeline: Pipeline,
  keys: ApiKeyAdmin,
  defaults: { backend: TerminalBackend },
): ServiceImpl<typeof gatewayv1.GatewayService> {
  return {
    async *exec(req, ctx) {
      try {
        if (!USER.test(req.user)) throw new InvalidRunRequestError('user', 'an OS user name');
        const events = pipeline.run(
          {
            platform: commonv1.Platform.CLI,
            userId: req.user,
            owner: `cli:${req.user}`,
            unattended: false,
          },
          {
            sessionId: cliSessionId(req.user, req.sessionId),
            command: req.command,
            backend: backendFromProto(req.backend, defaults.backend),
            cwd: req.cwd,
            timeoutSeconds: req.timeoutSeconds,
            yolo: req.yolo,
          },
          ctx.signal,
        );
        // ExecResponse carries exactly RunCommandResponse's oneof.
        for await (const ev of events)
          yield { event: ev.event } as MessageInitShape<typeof gatewayv1.ExecResponseSchema>;
      } catch (err) {
        throw toGatewayRpcError(err);
      }
    },
    answerAsk: (req) =>
      mapErrors(async () => {
        if (!req.requestId) throw new InvalidRunRequestError('request_id', 'is required');
        const choice = choiceFromName(req.choice);
        if (choice === undefined) throw new InvalidRunRequestError('choice', 'once, session, always or deny');
        const r = await pipeline.resolve(req.requestId, choice, `cli:${req.user}`, '');
        return { resolved: r.resolved, message: r.message };
      }),
    createApiKey: (req, ctx) =>
      mapErrors(async () => {
        const { key, secret } = await keys.create({
          name: req.name,
          scopes: req.scopes,
          ratePerMinute: req.ratePerMinute,
          unattended: req.unattended,
          createdBy: ctx.caller ?? 'operator',
        });
        return { key: keyToProto(key), secret };
      }),
    listApiKeys: (req) => mapErrors(async () => ({ keys: (await keys.list(req.includeRevoked)).map(keyToProto) })),
    revokeApiKey: (req, ctx) =>
      mapErrors(async () => ({ revoked: await keys.revoke(req.id, ctx.caller ?? 'operator') })),
  };
}

export function gatewayRegistration(
  pipeline: Pipeline,
  keys: ApiKeyAdmin,
  defaults: { backend: TerminalBackend },
): ServiceRegistration<typeof gatewayv1.GatewayService> {
  return defineService(gatewayv1.GatewayService, createAdminHandlers(pipeline, keys, defaults));
}
