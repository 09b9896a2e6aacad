// Runs the authz service alone: `node services/authz/src/main.ts` (same as `hermes serve authz`).
import { runStandalone } from '@hermes/platform';
import { authzService } from './index.ts';

process.exitCode = await runStandalone(authzService, process.argv.slice(2), process.env);
