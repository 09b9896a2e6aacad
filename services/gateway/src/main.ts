// Runs the gateway service alone: `node services/gateway/src/main.ts` (same as `hermes serve gateway`).
import { runStandalone } from '@hermes/platform';
import { gatewayService } from './index.ts';

process.exitCode = await runStandalone(gatewayService, process.argv.slice(2), process.env);
