import { type Context, context, propagation, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/** A plain header carrier: gRPC metadata and NATS headers are both copied to/from this shape. */
export type HeaderCarrier = Record<string, string>;

const setter: TextMapSetter<HeaderCarrier> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/** Header lookup is case-insensitive: gRPC lowercases metadata keys, NATS keeps them as sent. */
const getter: TextMapGetter<HeaderCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const direct = carrier[key];
    if (direct !== undefined) return direct;
    const lower = key.toLowerCase();
    for (const k of Object.keys(carrier)) if (k.toLowerCase() === lower) return carrier[k];
    return undefined;
  },
};

/**
 * Write the W3C `traceparent`/`tracestate` (and baggage) of `ctx` into `carrier` and return it.
 * Uses the globally registered propagator (`initTelemetry` registers W3C trace context).
 */
export function injectTraceContext(carrier: HeaderCarrier = {}, ctx: Context = context.active()): HeaderCarrier {
  propagation.inject(ctx, carrier, setter);
  return carrier;
}

/** Read trace context from `carrier` into a child of `base` (default: the active context). */
export function extractTraceContext(carrier: Readonly<HeaderCarrier>, base: Context = context.active()): Context {
  return propagation.extract(base, carrier as HeaderCarrier, getter);
}

/** Run `fn` inside the trace context carried by `carrier` (server side of an RPC hop). */
export function withTraceContext<T>(carrier: Readonly<HeaderCarrier>, fn: () => T): T {
  return context.with(extractTraceContext(carrier), fn);
}
