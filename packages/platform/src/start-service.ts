import type { HermesConfig } from '@hermes/config';
import { createMetricsRegistry, type Logger, type MetricsServer, startMetricsServer } from '@hermes/observability';
import {
  type BusConnection,
  defineService,
  type GrpcServing,
  HealthRegistry,
  type InProcessBus,
  type NatsServing,
  type ServiceRegistration,
  ServingStatus,
  serveGrpc,
  serveNats,
  type Transport,
} from '@hermes/rpc';
import type { Redactor } from '@hermes/security';
import { type AuditSink, type InProcessAuditBus, inProcessAuditSink, natsAuditSink } from './audit-sink.ts';
import type { SharedResources } from './resources.ts';
import { rpcMetricsObserver } from './rpc-metrics.ts';
import type { ServiceInstance, ServiceModule } from './service-module.ts';

/** How a service is reached by other services. */
export type BusBinding =
  | { readonly kind: 'in-process'; readonly bus: InProcessBus; readonly audit: InProcessAuditBus }
  | { readonly kind: 'nats'; readonly bus: BusConnection; readonly transport: Transport };

export interface StartServiceOptions {
  readonly config: HermesConfig;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** The service's own logger (`service` bound to its name); default a child of `logger`. */
  readonly loggerFor?: (service: string) => Logger;
  readonly binding: BusBinding;
  readonly resources: SharedResources;
  /** Redacts known secrets and token patterns from audit records (and anything else the service chooses). */
  readonly redactor: Redactor;
  readonly clock?: () => number;
  /** Serve Prometheus /metrics on the configured port (default true). */
  readonly metrics?: boolean;
}

export interface RunningService {
  readonly name: string;
  readonly grpc: GrpcServing;
  readonly metrics: MetricsServer | undefined;
  readonly health: HealthRegistry;
  readonly registrations: readonly ServiceRegistration[];
  /** Graceful stop: NOT_SERVING, stop accepting, finish in-flight calls, release the service's own resources. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Creates a service from its module and serves it: gRPC (with health and reflection) on its configured
 * port, plus the bus (in-process registration or a NATS queue-group subscription). Health turns SERVING
 * only once every listener is up.
 */
export async function startService(module: ServiceModule, options: StartServiceOptions): Promise<RunningService> {
  const { config, binding } = options;
  const svcConfig = config.services[module.name];
  const logger = options.loggerFor?.(module.name) ?? options.logger.child({ component: module.name });
  const registry = createMetricsRegistry({ service: module.name });
  const transport = binding.kind === 'in-process' ? binding.bus : binding.transport;
  const clock = options.clock ?? Date.now;
  const audit: AuditSink =
    binding.kind === 'in-process'
      ? inProcessAuditSink(binding.audit, module.name, options.redactor, clock)
      : natsAuditSink(binding.bus, module.name, options.redactor, clock, { logger });
  const instance: ServiceInstance = await module.create({
    name: module.name,
    config,
    env: options.env ?? {},
    logger,
    transport,
    database: () => options.resources.database(),
    ttlStore: () => options.resources.ttlStore(),
    metrics: registry,
    audit,
    ...(binding.kind === 'in-process' ? { auditBus: binding.audit } : {}),
    redactor: options.redactor,
    clock,
  });
  const observer = rpcMetricsObserver(registry, module.name);
  // Re-define so every registration carries the service's limits and metrics observer.
  const registrations = instance.registrations.map((r) =>
    defineService(r.desc, r.impl, {
      name: r.name,
      subjectPrefix: r.subjectPrefix,
      maxMessageBytes: svcConfig.max_message_bytes,
      observer,
    }),
  );

  const health = new HealthRegistry();
  const unregister: Array<() => void> = [];
  let nats: NatsServing | undefined;
  let grpc: GrpcServing | undefined;
  let metrics: MetricsServer | undefined;
  try {
    grpc = await serveGrpc({
      host: svcConfig.grpc.host,
      port: svcConfig.grpc.port,
      registrations,
      health,
      logger,
      maxMessageBytes: svcConfig.max_message_bytes,
    });
    if (binding.kind === 'in-process') {
      for (const r of registrations) unregister.push(binding.bus.register(r));
    } else {
      nats = serveNats(binding.bus, registrations, logger);
    }
    if (options.metrics ?? true) {
      metrics = await startMetricsServer({ host: svcConfig.metrics.host, port: svcConfig.metrics.port, registry });
    }
  } catch (err) {
    await grpc?.stop(0);
    await nats?.stop();
    for (const u of unregister) u();
    await instance.close?.();
    throw err;
  }
  health.setAll(ServingStatus.SERVING);
  logger.info(
    { grpc: grpc.address, metrics: metrics ? `${metrics.host}:${metrics.port}` : undefined },
    'service started',
  );

  let stopping: Promise<void> | undefined;
  const g = grpc;
  return {
    name: module.name,
    grpc: g,
    metrics,
    health,
    registrations,
    stop: (graceMs = config.runtime.shutdown_grace_ms) => {
      stopping ??= (async () => {
        health.setAll(ServingStatus.NOT_SERVING);
        await Promise.allSettled([g.stop(graceMs), nats?.stop()]);
        await audit.flush();
        for (const u of unregister) u();
        await Promise.allSettled([metrics?.close(), instance.close?.()]);
        logger.info({}, 'service stopped');
      })();
      return stopping;
    },
  };
}
