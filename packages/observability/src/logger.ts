import { trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { REDACTED, redactSecrets } from './redact.ts';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** Service name, added to every line as `service`. */
  readonly service: string;
  /** pino level (`trace` … `fatal`, or `silent`). Default `info`. */
  readonly level?: string;
  /** Where lines go; default stdout. Tests pass a stream to capture output. */
  readonly destination?: DestinationStream;
  /** Extra fixed fields on every line (e.g. `instance`). */
  readonly base?: Readonly<Record<string, string | number>>;
  /**
   * Value-aware redaction of each finished line (the platform redactor: known secret values and
   * token patterns), for secrets that arrive inside strings whose field names say nothing.
   */
  readonly redactLine?: (line: string) => string;
}

export { REDACTED };

/**
 * The one logger factory (HOUSE_STYLE rule 10). Log a fixed message plus a small context object:
 * `log.info({ requestId, backend }, 'run started')`. Never log a whole request or a secret; the
 * redaction of secret-named fields (any depth) is a safety net, not a licence.
 *
 * Each line carries `trace_id`/`span_id` of the active span, so logs join traces.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      // Both the per-call context and child-logger bindings pass through the redactor.
      log: (obj) => redactSecrets(obj),
      bindings: (bindings) => redactSecrets(bindings),
    },
    ...(options.redactLine ? { hooks: { streamWrite: options.redactLine } } : {}),
    mixin() {
      const span = trace.getActiveSpan();
      if (span === undefined) return {};
      const ctx = span.spanContext();
      return { trace_id: ctx.traceId, span_id: ctx.spanId };
    },
  };
  const logger = options.destination ? pino(opts, options.destination) : pino(opts);
  // pino resets the `bindings` formatter for children, so child bindings are redacted here.
  // Children inherit from this instance, so grandchildren take the same path.
  const pinoChild = logger.child;
  logger.child = function child(this: Logger, bindings, childOptions) {
    return pinoChild.call(this, redactSecrets(bindings), childOptions);
  } as Logger['child'];
  return logger;
}
