/**
 * The logging surface the runtime needs: a subset of pino's API, so the observability package's pino
 * logger fits as is and tests can pass a silent one. Style: a fixed message plus a small context object.
 */
export interface RpcLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: Record<string, unknown>): RpcLogger;
}

const noop = (): void => {};

/** A logger that discards everything. */
export const silentLogger: RpcLogger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
