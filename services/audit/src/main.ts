// Runs the audit service alone: `node services/audit/src/main.ts` (same as `hermes serve audit`).
import { runStandalone } from '@hermes/platform';
import { auditService } from './index.ts';

process.exitCode = await runStandalone(auditService, process.argv.slice(2), process.env);
