import type { ServiceModule } from '@hermes/platform';
import { createGateway } from './gateway.ts';

/** The secure tool-call pipeline and the Agent API for internal tools (gRPC + HTTP/JSON, API keys), plus the operator plane for `hermes apikey` and `hermes exec`. */
export const gatewayService: ServiceModule = {
  name: 'gateway',
  create: (deps) => createGateway(deps),
};

export { cliSessionId, createAdminHandlers, gatewayRegistration } from './admin-handlers.ts';
export { AGENT_API_ROUTE, apiSessionId } from './agent-api/agent-handlers.ts';
export { API_KEY_PREFIX, bearerToken, generateApiKey, hashApiKey, parseApiKey } from './api-keys/api-key-format.ts';
export type { ApiPrincipal } from './api-keys/authenticator.ts';
export { DEFAULT_RATE_PER_MINUTE, SCOPES, Scope } from './api-keys/scopes.ts';
export {
  ApiKeyStoreError,
  AuthFailure,
  InvalidApiKeyRequestError,
  InvalidRunRequestError,
  NotAuthorizedError,
  RateLimitedError,
  RunNotFoundError,
  ScopeError,
  UnauthenticatedError,
} from './errors.ts';
export { createGateway, type GatewayOptions } from './gateway.ts';
export { type Caller, choiceFromName, Pipeline, type RunEvent, type RunRequest } from './pipeline/pipeline.ts';
export { type RunRecord, RunState } from './pipeline/run-registry.ts';
