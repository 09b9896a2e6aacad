import { fileURLToPath } from 'node:url';
import { HERMES_VERSION, migrateAndRegister, type ServiceModule } from '@hermes/platform';
import { authzRegistration } from './server.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** Layer 1, user authorization: allowlists, DM pairing codes, lockouts, rate limits. */
export const authzService: ServiceModule = {
  name: 'authz',
  async create(deps) {
    await migrateAndRegister(deps, 'authz', migrationsDir, HERMES_VERSION);
    return { registrations: [authzRegistration()] };
  },
};

export { authzRegistration, createAuthzHandlers } from './server.ts';
