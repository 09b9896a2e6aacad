// Registers the W3C propagator and an async context manager, as @hermes/observability does in services,
// so the contract suite can check that one trace id crosses every hop.
import { randomBytes } from 'node:crypto';
import { type Context, context, propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

let installed = false;
export function installTestTelemetry(): void {
  if (installed) return;
  installed = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/** A context carrying a fresh sampled trace, as if an incoming request had started one. */
export function newTraceContext(): { ctx: Context; traceId: string } {
  const traceId = randomBytes(16).toString('hex');
  const ctx = trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  return { ctx, traceId };
}
