export { MetricsServerError } from './errors.ts';
export { type CreateLoggerOptions, createLogger, type Logger, REDACTED } from './logger.ts';
export {
  type CreateMetricsRegistryOptions,
  createMetricsRegistry,
  type MetricsServer,
  Registry,
  type StartMetricsServerOptions,
  startMetricsServer,
} from './metrics-server.ts';
export { redactSecrets, SECRET_FIELDS } from './redact.ts';
export {
  HealthCheckFilterSampler,
  type InitTelemetryOptions,
  initTelemetry,
  isHealthCheckSpan,
  type Telemetry,
} from './telemetry.ts';
export {
  extractTraceContext,
  type HeaderCarrier,
  injectTraceContext,
  withTraceContext,
} from './trace-context.ts';
