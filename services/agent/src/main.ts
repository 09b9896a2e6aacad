// Runs the agent service alone: `node services/agent/src/main.ts` (same as `hermes serve agent`).
import { runStandalone } from '@hermes/platform';
import { agentService } from './index.ts';

process.exitCode = await runStandalone(agentService, process.argv.slice(2), process.env);
