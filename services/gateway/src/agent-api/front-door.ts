// What both Agent API listeners (gRPC and HTTP/JSON) do before any other work: verify the API key,
// spend one request of its rate budget, then call the AgentService handlers on the private bus as
// `key:<id>`. Refusals are counted, logged with the reason (never the key) and audited.
import type { AuditSink } from '@hermes/platform';
import { gatewayv1 } from '@hermes/proto';
import { type Client, createClient, type InProcessBus } from '@hermes/rpc';
import { parseApiKey } from '../api-keys/api-key-format.ts';
import type { ApiPrincipal, Authenticator } from '../api-keys/authenticator.ts';
import { RateLimitedError, UnauthenticatedError } from '../errors.ts';
import type { GatewayMetrics } from '../gateway-metrics.ts';
import { AGENT_API_ROUTE, type PrincipalTable } from './agent-handlers.ts';

export interface Admitted {
  readonly principal: ApiPrincipal;
  readonly client: Client<typeof gatewayv1.AgentService>;
  /** Call when the request is over (the principal leaves the table). */
  readonly release: () => void;
}

export class FrontDoor {
  readonly #auth: Authenticator;
  readonly #bus: InProcessBus;
  readonly #principals: PrincipalTable;
  readonly #metrics: GatewayMetrics;
  readonly #audit: AuditSink;
  readonly #logger: { warn(obj: object, msg: string): void };
  readonly #clients = new Map<string, Client<typeof gatewayv1.AgentService>>();

  constructor(options: {
    auth: Authenticator;
    bus: InProcessBus;
    principals: PrincipalTable;
    metrics: GatewayMetrics;
    audit: AuditSink;
    logger: { warn(obj: object, msg: string): void };
  }) {
    this.#auth = options.auth;
    this.#bus = options.bus;
    this.#principals = options.principals;
    this.#metrics = options.metrics;
    this.#audit = options.audit;
    this.#logger = options.logger;
  }

  /** Authenticates and rate-limits; throws UnauthenticatedError / RateLimitedError. */
  async admit(presentedKey: string | undefined, transport: 'grpc' | 'http'): Promise<Admitted> {
    let principal: ApiPrincipal;
    try {
      principal = await this.#auth.authenticate(presentedKey);
      await this.#auth.spend(principal);
    } catch (err) {
      const reason =
        err instanceof UnauthenticatedError ? err.reason : err instanceof RateLimitedError ? 'rate_limited' : 'error';
      this.#metrics.authFailures.inc({ reason });
      const keyId = presentedKey ? parseApiKey(presentedKey)?.id : undefined;
      this.#logger.warn({ reason, transport, ...(keyId ? { keyId } : {}) }, 'agent API request refused');
      this.#audit.emit({
        kind: 'gateway.auth',
        outcome: reason === 'rate_limited' ? 'rate_limited' : 'denied',
        ...(keyId ? { actor: `key:${keyId}` } : {}),
        attributes: { reason, transport },
      });
      throw err;
    }
    let client = this.#clients.get(principal.keyId);
    if (!client) {
      client = createClient(gatewayv1.AgentService, this.#bus, {
        route: AGENT_API_ROUTE,
        caller: `key:${principal.keyId}`,
      });
      if (this.#clients.size > 10_000) this.#clients.clear();
      this.#clients.set(principal.keyId, client);
    }
    return { principal, client, release: this.#principals.hold(principal) };
  }
}
