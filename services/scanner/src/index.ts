import type { ServiceModule } from '@hermes/platform';
import { scannerRegistration } from './server.ts';

/** Tirith-style command rules, the optional external `tirith` binary, prompt-injection scanning of context files, URL/SSRF and website-blocklist policy, secret redaction. */
export const scannerService: ServiceModule = {
  name: 'scanner',
  async create() {
    return { registrations: [scannerRegistration()] };
  },
};

export { createScannerHandlers, scannerRegistration } from './server.ts';
