import type { Registry } from '@hermes/observability';
import { type CallObserver, codeName } from '@hermes/rpc';
import { Histogram } from 'prom-client';

/** Per-method latency and status counts for the service's /metrics. */
export function rpcMetricsObserver(registry: Registry, service: string): CallObserver {
  const hist = new Histogram({
    name: 'hermes_rpc_server_duration_seconds',
    help: 'Duration of served RPCs by method and status code',
    labelNames: ['service', 'method', 'code'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (method, code, ms) => hist.observe({ service, method, code: codeName(code) }, ms / 1000);
}
