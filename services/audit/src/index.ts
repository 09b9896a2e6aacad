import { fileURLToPath } from 'node:url';
import { HERMES_VERSION, migrateAndRegister, type ServiceModule } from '@hermes/platform';
import { auditRegistration } from './server.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** The append-only, hash-chained audit trail of every decision, its query API and export to S3-compatible storage. */
export const auditService: ServiceModule = {
  name: 'audit',
  async create(deps) {
    await migrateAndRegister(deps, 'audit', migrationsDir, HERMES_VERSION);
    return { registrations: [auditRegistration()] };
  },
};

export { auditRegistration, createAuditHandlers } from './server.ts';
