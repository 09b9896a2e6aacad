import { arrivesWith } from '@hermes/platform';
import { scannerv1 } from '@hermes/proto';
import { defineService, type ServiceImpl, type ServiceRegistration } from '@hermes/rpc';

const ISSUE = 'issues #3 and #4';

/** First version of `hermes.scanner.v1.ScannerService`: wiring, health and lifecycle are real; the RPCs arrive with issues #3 and #4. */
export function createScannerHandlers(): ServiceImpl<typeof scannerv1.ScannerService> {
  return {
    async scanCommand() {
      throw arrivesWith(ISSUE, 'ScannerService.ScanCommand');
    },
    async scanContext() {
      throw arrivesWith(ISSUE, 'ScannerService.ScanContext');
    },
    async checkUrl() {
      throw arrivesWith(ISSUE, 'ScannerService.CheckUrl');
    },
    async redact() {
      throw arrivesWith(ISSUE, 'ScannerService.Redact');
    },
  };
}

export function scannerRegistration(): ServiceRegistration<typeof scannerv1.ScannerService> {
  return defineService(scannerv1.ScannerService, createScannerHandlers());
}
