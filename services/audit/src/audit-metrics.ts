import type { Registry } from '@hermes/observability';
import { Counter, Gauge } from 'prom-client';

/** Audit ingestion counters for `/metrics` (labels are closed sets; never an actor or an event field). */
export interface AuditMetrics {
  readonly appended: Counter;
  readonly duplicates: Counter;
  readonly rejected: Counter;
  readonly storeFailures: Counter;
  readonly queued: Gauge;
  readonly exported: Counter;
}

export function createAuditMetrics(registry: Registry): AuditMetrics {
  return {
    appended: new Counter({
      name: 'hermes_audit_records_appended_total',
      help: 'Events appended to the hash chain',
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'hermes_audit_duplicates_total',
      help: 'Redelivered events already in the chain (skipped)',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'hermes_audit_rejected_total',
      help: 'Messages on the audit subjects that are not an AuditEvent (terminated, not stored)',
      registers: [registry],
    }),
    storeFailures: new Counter({
      name: 'hermes_audit_store_failures_total',
      help: 'Failed append attempts (Postgres away); the batch is retried in order',
      registers: [registry],
    }),
    queued: new Gauge({
      name: 'hermes_audit_queued_events',
      help: 'Events received and not yet committed',
      registers: [registry],
    }),
    exported: new Counter({
      name: 'hermes_audit_records_exported_total',
      help: 'Records written to S3-compatible storage',
      registers: [registry],
    }),
  };
}
