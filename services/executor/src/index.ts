import type { ServiceModule } from '@hermes/platform';
import { executorRegistration } from './server.ts';

/** Layers 3 and 4: workers per backend (local, docker, ssh, singularity, modal, daytona, vercel-sandbox), hardening, resource limits, workspaces, environment filtering. */
export const executorService: ServiceModule = {
  name: 'executor',
  async create(deps) {
    return { registrations: [executorRegistration(deps.config.terminal.backend)] };
  },
};

export { createExecutorHandlers, executorRegistration } from './server.ts';
