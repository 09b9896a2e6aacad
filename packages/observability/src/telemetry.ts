/*
 * All OpenTelemetry setup lives in this one file (HOUSE_STYLE: "telemetry set up in one file,
 * loaded first"). A service's main.ts calls `initTelemetry` before it creates servers or
 * clients, so every span they start has a provider, a context manager and a propagator.
 *
 * Nothing here reads process.env: the OTLP endpoint comes from `@hermes/config`
 * (`runtime.otel_exporter_otlp_endpoint`, i.e. OTEL_EXPORTER_OTLP_ENDPOINT).
 */
import {
  type Attributes,
  type Context,
  context,
  DiagLogLevel,
  diag,
  type Meter,
  metrics,
  propagation,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';

export interface InitTelemetryOptions {
  /** `service.name` resource attribute, e.g. `hermes-gateway`. */
  readonly service: string;
  readonly version?: string;
  /** Base OTLP/HTTP endpoint (`http://collector:4318`); export is off when unset. */
  readonly otlpEndpoint?: string | undefined;
  /** Receives OpenTelemetry's own diagnostics (warn and above). */
  readonly logger: Logger;
  /** Extra span processors (tests attach an in-memory exporter here). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** Extra metric readers. */
  readonly metricReaders?: readonly MetricReader[];
  /** OTLP metric export interval; default 15 s. */
  readonly metricExportIntervalMs?: number;
}

export interface Telemetry {
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  /** Flush pending spans/metrics and unregister the globals; bounded by `timeoutMs` (default 5 s). */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** Span names and attributes of health checks and scrapes, which would drown real traces. */
const HEALTH_SPAN_NAME = /(grpc\.health\.v1\.Health|^(GET |HEAD )?\/(healthz|readyz|livez|metrics)$)/;

/** True when a span is a health check or metrics scrape (exported for tests and the RPC layer). */
export function isHealthCheckSpan(spanName: string, attributes: Attributes): boolean {
  if (HEALTH_SPAN_NAME.test(spanName)) return true;
  if (attributes['rpc.service'] === 'grpc.health.v1.Health') return true;
  const path = attributes['url.path'] ?? attributes['http.target'];
  return path === '/metrics' || path === '/healthz' || path === '/readyz' || path === '/livez';
}

/** Drops health-check spans (opentelemetry-js-contrib practice), parent-based AlwaysOn otherwise. */
export class HealthCheckFilterSampler implements Sampler {
  readonly #delegate: Sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() });

  shouldSample(
    ctx: Context,
    traceId: string,
    spanName: string,
    spanKind: Parameters<Sampler['shouldSample']>[3],
    attributes: Attributes,
    links: Parameters<Sampler['shouldSample']>[5],
  ): SamplingResult {
    if (isHealthCheckSpan(spanName, attributes)) return { decision: SamplingDecision.NOT_RECORD };
    return this.#delegate.shouldSample(ctx, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return 'HealthCheckFilterSampler{ParentBased{AlwaysOn}}';
  }
}

let active: Telemetry | undefined;

/** Join a base OTLP endpoint and a signal path (OTel spec for OTEL_EXPORTER_OTLP_ENDPOINT). */
const signalUrl = (base: string, signal: 'traces' | 'metrics'): string => `${base.replace(/\/+$/, '')}/v1/${signal}`;

/**
 * Register the global tracer provider, meter provider, AsyncLocalStorage context manager and the
 * W3C trace-context (+ baggage) propagator. Idempotent: in embedded mode (`hermes up`) seven
 * services share a process and the first call wins; later calls get the same handle.
 */
export function initTelemetry(options: InitTelemetryOptions): Telemetry {
  if (active) {
    options.logger.debug({ service: options.service }, 'telemetry already initialised; reusing it');
    return active;
  }
  const log = options.logger;
  diag.setLogger(
    {
      error: (message) => log.error({ component: 'otel' }, message),
      warn: (message) => log.warn({ component: 'otel' }, message),
      info: (message) => log.info({ component: 'otel' }, message),
      debug: (message) => log.debug({ component: 'otel' }, message),
      verbose: (message) => log.trace({ component: 'otel' }, message),
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );

  const resource = resourceFromAttributes({
    'service.name': options.service,
    'service.namespace': 'hermes',
    ...(options.version ? { 'service.version': options.version } : {}),
  });

  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  const readers: MetricReader[] = [...(options.metricReaders ?? [])];
  if (options.otlpEndpoint) {
    spanProcessors.push(
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: signalUrl(options.otlpEndpoint, 'traces') }) }),
    );
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: signalUrl(options.otlpEndpoint, 'metrics') }),
        exportIntervalMillis: options.metricExportIntervalMs ?? 15_000,
      }),
    );
  }

  const tracerProvider = new TracerProvider({ resource, sampler: new HealthCheckFilterSampler(), spanProcessors });
  const meterProvider = new MeterProvider({ resource, readers });
  const contextManager = new AsyncLocalStorageContextManager().enable();

  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);

  const handle: Telemetry = {
    tracer: trace.getTracer(options.service, options.version),
    meter: metrics.getMeter(options.service, options.version),
    tracerProvider,
    meterProvider,
    async shutdown(timeoutMs = 5_000) {
      if (active !== handle) return;
      active = undefined;
      // Bounded: a dead collector must not eat the SIGTERM grace period (HOUSE_STYLE rule 11).
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
        timer.unref();
      });
      const flushed = Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
      const outcome = await Promise.race([flushed, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') log.warn({ timeoutMs }, 'telemetry flush timed out');
      else {
        for (const r of outcome) {
          if (r.status === 'rejected') log.warn({ err: r.reason }, 'telemetry flush failed');
        }
      }
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      diag.disable();
    },
  };
  active = handle;
  return handle;
}
