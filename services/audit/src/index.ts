import { fileURLToPath } from 'node:url';
import { HERMES_VERSION, migrateAndRegister, type ServiceModule } from '@hermes/platform';
import { PgAuditStore } from './adapters/pg-audit-store.ts';
import { type ObjectWriter, s3ObjectWriter } from './adapters/s3-exporter.ts';
import { createAuditMetrics } from './audit-metrics.ts';
import { ChainWriter } from './chain-writer.ts';
import { Exporter } from './exporter.ts';
import {
  type AuditStreamSettings,
  DEFAULT_STREAM_SETTINGS,
  type JetStreamIngest,
  startJetStreamIngest,
} from './jetstream-ingest.ts';
import { chainedFromProto } from './proto-map.ts';
import { scrubEvent } from './scrub.ts';
import { auditRegistration } from './server.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export interface AuditServiceOptions {
  /** Stream, subjects, durable consumer and limits (tests use their own names). */
  readonly stream?: Partial<AuditStreamSettings>;
  /** Events per transaction (default 500). */
  readonly maxBatch?: number;
  /** Overrides `audit.export.interval_minutes` (tests). */
  readonly exportIntervalMs?: number;
  /** Records per exported object (default 10000). */
  readonly recordsPerObject?: number;
  /** Told of the writer once created (tests and benches wait on `idle()`). */
  readonly onWriter?: (writer: ChainWriter) => void;
}

/**
 * The audit deployable: ingests every service's audit events (JetStream when `NATS_URL` is set,
 * the in-process audit bus in embedded mode) into the hash-chained `audit.records`, serves Query,
 * Verify and Export, and exports on a schedule when `audit.export.to` is set.
 */
export function createAuditService(options: AuditServiceOptions = {}): ServiceModule {
  return {
    name: 'audit',
    async create(deps) {
      await migrateAndRegister(deps, 'audit', migrationsDir, HERMES_VERSION);
      const db = await deps.database();
      const store = new PgAuditStore(db.sql);
      const metrics = createAuditMetrics(deps.metrics);
      const streamSettings: AuditStreamSettings = { ...DEFAULT_STREAM_SETTINGS, ...options.stream };
      const writer = new ChainWriter({
        // In-progress acks well inside ack_wait, so waiting events are not redelivered meanwhile.
        touchEveryMs: streamSettings.ackWaitMs / 3,
        append: (batch, now) => store.append(batch, now),
        clock: deps.clock,
        logger: deps.logger,
        metrics,
        ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
      });
      writer.start();
      options.onWriter?.(writer);
      const scrub = (e: Parameters<typeof scrubEvent>[0]) => scrubEvent(e, deps.redactor);

      let ingest: JetStreamIngest | undefined;
      let detachBus: (() => void) | undefined;
      const natsUrl = deps.config.runtime.nats_url;
      if (natsUrl) {
        ingest = await startJetStreamIngest({
          url: natsUrl,
          settings: streamSettings,
          writer,
          clock: deps.clock,
          logger: deps.logger,
          metrics,
          scrub,
        });
      } else if (deps.auditBus) {
        const bus = deps.auditBus;
        const onEvent = (e: Parameters<typeof chainedFromProto>[0]) => {
          writer.push({ event: { event: scrub(chainedFromProto(e, deps.clock())), streamSeq: 0 } });
        };
        bus.on('event', onEvent);
        detachBus = () => bus.off('event', onEvent);
      }

      const objects: ObjectWriter = s3ObjectWriter(deps.config.audit.s3);
      const exporter = new Exporter({
        store,
        writer: objects,
        clock: deps.clock,
        ...(options.recordsPerObject ? { recordsPerObject: options.recordsPerObject } : {}),
      });
      const target = deps.config.audit.export.to;
      const scheduled = async () => {
        if (!target) return;
        try {
          const r = await exporter.export(target);
          metrics.exported.inc(r.records);
          if (r.records > 0) deps.logger.info({ records: r.records, objects: r.keys.length }, 'scheduled audit export');
        } catch (error) {
          deps.logger.error({ err: error }, 'scheduled audit export failed; retried at the next interval');
        }
      };
      const timer = target
        ? setInterval(
            () => void scheduled(),
            options.exportIntervalMs ?? deps.config.audit.export.interval_minutes * 60_000,
          )
        : undefined;
      timer?.unref();

      return {
        registrations: [auditRegistration({ store, exporter, defaultExportTarget: target })],
        close: async () => {
          if (timer) clearInterval(timer);
          detachBus?.();
          await ingest?.stopPulling();
          const left = await writer.stop(deps.config.runtime.shutdown_grace_ms);
          if (left > 0) {
            deps.logger.error(
              { left },
              ingest ? 'audit events left unacknowledged for redelivery' : 'audit events not stored at shutdown',
            );
          }
          await ingest?.close();
          // One last export, so what was committed survives the container going away.
          await scheduled();
          objects.close();
        },
      };
    },
  };
}

/** The audit deployable with its defaults (`hermes up`, `hermes serve audit`). */
export const auditService: ServiceModule = createAuditService();

export type { ChainWriter } from './chain-writer.ts';
export { type ChainedEvent, canonicalEvent, chainHash, GENESIS_HASH } from './domain/chain-hash.ts';
export { type AuditStreamSettings, DEFAULT_STREAM_SETTINGS } from './jetstream-ingest.ts';
export { auditRegistration, createAuditHandlers } from './server.ts';
