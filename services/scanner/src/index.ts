import type { ServiceModule } from '@hermes/platform';
import { initShellParserFromDisk } from '@hermes/security/node';
import { scannerRegistration } from './server.ts';

/**
 * Tirith-style command rules, the optional external `tirith` binary, prompt-injection scanning of
 * context files, URL/SSRF and website-blocklist policy, secret redaction.
 */
export const scannerService: ServiceModule = {
  name: 'scanner',
  async create(deps) {
    await initShellParserFromDisk();
    return { registrations: [scannerRegistration({ config: deps.config, redactor: deps.redactor, env: deps.env })] };
  },
};

export { createScannerHandlers, loadWebsiteBlocklist, scannerRegistration } from './server.ts';
