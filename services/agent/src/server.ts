import { arrivesWith } from '@hermes/platform';
import { agentv1 } from '@hermes/proto';
import { defineService, type ServiceImpl, type ServiceRegistration } from '@hermes/rpc';

const ISSUE = 'the agent-loop issue';

/** First version of `hermes.agent.v1.AgentService`: wiring, health and lifecycle are real; the RPCs arrive with the agent-loop issue. */
export function createAgentHandlers(): ServiceImpl<typeof agentv1.AgentService> {
  return {
    // biome-ignore lint/correctness/useYield: answers before streaming until the agent-loop issue lands.
    async *converse() {
      throw arrivesWith(ISSUE, 'AgentService.Converse');
    },
    async resetSession() {
      throw arrivesWith(ISSUE, 'AgentService.ResetSession');
    },
  };
}

export function agentRegistration(): ServiceRegistration<typeof agentv1.AgentService> {
  return defineService(agentv1.AgentService, createAgentHandlers());
}
