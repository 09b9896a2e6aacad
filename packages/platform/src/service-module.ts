import type { HermesConfig, ServiceName } from '@hermes/config';
import type { Logger, Registry } from '@hermes/observability';
import type { ServiceRegistration, Transport } from '@hermes/rpc';
import type { Redactor } from '@hermes/security';
import type { Database, TtlStore } from '@hermes/storage';
import type { AuditSink, InProcessAuditBus } from './audit-sink.ts';

/** What the host hands a service when it creates it. Nothing else reaches the service from outside. */
export interface ServiceDeps {
  readonly name: ServiceName;
  readonly config: HermesConfig;
  /** The process environment main() was given (for PATH lookups of helper binaries); never re-read from process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** For calling other services: the in-process bus (embedded) or NATS (distributed). */
  readonly transport: Transport;
  /** The Postgres database, opened on first use (one shared embedded PGlite in `hermes up`). */
  database(): Promise<Database>;
  /** Rate limits, lockouts, pending asks: Redis, or the in-memory store in embedded mode. */
  ttlStore(): Promise<TtlStore>;
  /** This service's Prometheus registry, served on its `/metrics`. */
  readonly metrics: Registry;
  /** Where this service's audit events go (NATS subject `hermes.v1.audit.events.<service>`, or in-process). */
  readonly audit: AuditSink;
  /** Embedded mode only: the in-process bus every service's audit events travel on (the audit service reads it). */
  readonly auditBus?: InProcessAuditBus;
  /** The platform redactor: known secret values from config and .env, plus every token pattern. */
  readonly redactor: Redactor;
  /** Injected clock (epoch ms) so tests control time. */
  readonly clock: () => number;
}

export interface ServiceInstance {
  /** Usually one: each deployable serves one protobuf service (ARCHITECTURE). */
  readonly registrations: readonly ServiceRegistration[];
  /** Releases what the service opened itself; shared resources are closed by the host. */
  close?(): Promise<void>;
}

/** A deployable: `services/<name>` exports one of these; `hermes up` and `hermes serve` start it. */
export interface ServiceModule {
  readonly name: ServiceName;
  create(deps: ServiceDeps): Promise<ServiceInstance>;
}
