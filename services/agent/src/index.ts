import { fileURLToPath } from 'node:url';
import { HERMES_VERSION, migrateAndRegister, type ServiceModule } from '@hermes/platform';
import { agentRegistration } from './server.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** The agent loop (OpenAI-compatible LLM with tool calls), sessions, tools, context-file loading: layers 5 (as caller), 6 and 7. */
export const agentService: ServiceModule = {
  name: 'agent',
  async create(deps) {
    await migrateAndRegister(deps, 'agent', migrationsDir, HERMES_VERSION);
    return { registrations: [agentRegistration()] };
  },
};

export { agentRegistration, createAgentHandlers } from './server.ts';
