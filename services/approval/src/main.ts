// Runs the approval service alone: `node services/approval/src/main.ts` (same as `hermes serve approval`).
import { runStandalone } from '@hermes/platform';
import { approvalService } from './index.ts';

process.exitCode = await runStandalone(approvalService, process.argv.slice(2), process.env);
