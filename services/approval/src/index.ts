import { fileURLToPath } from 'node:url';
import { HERMES_VERSION, migrateAndRegister, type ServiceModule } from '@hermes/platform';
import { approvalRegistration } from './server.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** Layer 2, command approval: dangerous-command patterns, the hardline floor, modes (manual / smart / off, YOLO), once / session / always grants, fail-closed asks, signed execution grants. */
export const approvalService: ServiceModule = {
  name: 'approval',
  async create(deps) {
    await migrateAndRegister(deps, 'approval', migrationsDir, HERMES_VERSION);
    return { registrations: [approvalRegistration()] };
  },
};

export { approvalRegistration, createApprovalHandlers } from './server.ts';
