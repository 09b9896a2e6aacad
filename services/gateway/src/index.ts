import type { ServiceModule } from '@hermes/platform';
import { gatewayRegistration } from './server.ts';

/** Chat-platform adapters (Telegram, Discord, Slack, WhatsApp, Signal), the Agent API for internal tools (gRPC and HTTP/JSON), chat-side approval prompts and `/yolo`, pairing-code replies. */
export const gatewayService: ServiceModule = {
  name: 'gateway',
  async create() {
    return { registrations: [gatewayRegistration()] };
  },
};

export { createGatewayHandlers, gatewayRegistration } from './server.ts';
