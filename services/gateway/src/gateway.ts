// Assembles the gateway: the pipeline, API keys, the operator-plane registration (platform gRPC port
// + bus) and the authenticated Agent API listener on services.gateway.http.port.
import { fileURLToPath } from 'node:url';
import { HERMES_VERSION, migrateAndRegister, type ServiceDeps, type ServiceInstance } from '@hermes/platform';
import { InProcessBus } from '@hermes/rpc';
import { gatewayRegistration } from './admin-handlers.ts';
import { agentRegistration, PrincipalTable } from './agent-api/agent-handlers.ts';
import { type AgentListener, listenAgentApi } from './agent-api/agent-listener.ts';
import { FrontDoor } from './agent-api/front-door.ts';
import { createAgentGrpcServer } from './agent-api/grpc-agent-server.ts';
import { createHttpAgentHandler } from './agent-api/http-agent-api.ts';
import { ApiKeyAdmin } from './api-keys/api-key-admin.ts';
import { Authenticator } from './api-keys/authenticator.ts';
import { PgApiKeyStore } from './api-keys/pg-api-key-store.ts';
import { createGatewayMetrics } from './gateway-metrics.ts';
import { Pipeline } from './pipeline/pipeline.ts';
import { RunRegistry } from './pipeline/run-registry.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export interface GatewayOptions {
  /** Serve the Agent API listener (default true). Tests of the operator plane alone turn it off. */
  readonly agentApi?: boolean;
}

export async function createGateway(deps: ServiceDeps, options: GatewayOptions = {}): Promise<ServiceInstance> {
  await migrateAndRegister(deps, 'gateway', migrationsDir, HERMES_VERSION);
  const db = await deps.database();
  const metrics = createGatewayMetrics(deps.metrics);
  const registry = new RunRegistry(deps.ttlStore, (err) =>
    deps.logger.warn({ err: (err as Error).message }, 'run record not written'),
  );
  const pipeline = new Pipeline({
    transport: deps.transport,
    config: deps.config,
    redactor: deps.redactor,
    audit: deps.audit,
    metrics,
    registry,
    clock: deps.clock,
    logger: deps.logger,
  });
  const store = new PgApiKeyStore(db);
  const auth = new Authenticator({ store, ttlStore: deps.ttlStore, clock: deps.clock });
  const keys = new ApiKeyAdmin(store, auth, deps.audit, deps.clock);
  const defaults = { backend: deps.config.terminal.backend };

  let listener: AgentListener | undefined;
  let privateBus: InProcessBus | undefined;
  if (options.agentApi ?? true) {
    privateBus = new InProcessBus({ logger: deps.logger });
    const principals = new PrincipalTable();
    privateBus.register(agentRegistration(pipeline, principals, defaults));
    const door = new FrontDoor({ auth, bus: privateBus, principals, metrics, audit: deps.audit, logger: deps.logger });
    const svc = deps.config.services.gateway;
    listener = await listenAgentApi({
      host: svc.http.host,
      port: svc.http.port,
      grpc: createAgentGrpcServer(door, svc.max_message_bytes),
      http: createHttpAgentHandler(door, svc.max_message_bytes),
    });
    deps.logger.info({ agentApi: `${listener.host}:${listener.port}` }, 'agent API listening (gRPC h2c + HTTP/JSON)');
  }
  return {
    registrations: [gatewayRegistration(pipeline, keys, defaults)],
    close: async () => {
      await listener?.close(deps.config.runtime.shutdown_grace_ms);
      await privateBus?.close();
      await registry.flush();
    },
  };
}
