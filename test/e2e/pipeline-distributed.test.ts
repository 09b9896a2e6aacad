// Issue #8 item 5, distributed: each service its own process over real NATS, Postgres and Redis.
import { test } from 'node:test';
import { pipelineCases } from './pipeline-cases.ts';
import { startDistributed } from './pipeline-harness.ts';

test('pipeline end to end, distributed (hermes serve × 6, NATS, Postgres, Redis)', { timeout: 180_000 }, async (t) => {
  await using p = await startDistributed();
  await pipelineCases(t, p);
});
