// Issue #8 item 5, embedded: `hermes up` (one process, in-process bus, embedded PGlite).
import { test } from 'node:test';
import { pipelineCases } from './pipeline-cases.ts';
import { startEmbedded } from './pipeline-harness.ts';

test('pipeline end to end, embedded (hermes up)', { timeout: 150_000 }, async (t) => {
  await using p = await startEmbedded();
  await pipelineCases(t, p);
});
