import type { Registry } from '@hermes/observability';
import { Counter, Histogram } from 'prom-client';

/** Stages of the pipeline, timed for `/metrics` and the bench breakdown (closed set). */
export const Stage = {
  authz: 'authz',
  scan: 'scan',
  evaluate: 'evaluate',
  await: 'await',
  execute: 'execute',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

/** Gateway metrics. Labels are closed sets: never a key, user id or command. */
export interface GatewayMetrics {
  readonly runs: Counter<'outcome'>;
  readonly authFailures: Counter<'reason'>;
  readonly stage: Histogram<'stage'>;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  return {
    runs: new Counter({
      name: 'hermes_gateway_runs_total',
      help: 'Pipeline runs by final outcome (exited, denied reason, failed, cancelled)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'hermes_gateway_auth_failures_total',
      help: 'Agent API requests refused before any work: missing, malformed, unknown, revoked key, rate limited',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    stage: new Histogram({
      name: 'hermes_gateway_stage_seconds',
      help: 'Time spent in each pipeline stage (authz, scan, evaluate, await, execute)',
      labelNames: ['stage'] as const,
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    }),
  };
}
