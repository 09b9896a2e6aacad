// Runs the scanner service alone: `node services/scanner/src/main.ts` (same as `hermes serve scanner`).
import { runStandalone } from '@hermes/platform';
import { scannerService } from './index.ts';

process.exitCode = await runStandalone(scannerService, process.argv.slice(2), process.env);
