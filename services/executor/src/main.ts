// Runs the executor service alone: `node services/executor/src/main.ts` (same as `hermes serve executor`).
import { runStandalone } from '@hermes/platform';
import { executorService } from './index.ts';

process.exitCode = await runStandalone(executorService, process.argv.slice(2), process.env);
