import { arrivesWith } from '@hermes/platform';
import { gatewayv1 } from '@hermes/proto';
import { defineService, type ServiceImpl, type ServiceRegistration } from '@hermes/rpc';

const ISSUE = 'issue #8 (Agent API)';

/** First version of `hermes.gateway.v1.GatewayService`: wiring, health and lifecycle are real; the RPCs arrive with issue #8 (Agent API). */
export function createGatewayHandlers(): ServiceImpl<typeof gatewayv1.GatewayService> {
  return {
    // biome-ignore lint/correctness/useYield: answers before streaming until issue #8 (Agent API) lands.
    async *runCommand() {
      throw arrivesWith(ISSUE, 'GatewayService.RunCommand');
    },
    async getRun() {
      throw arrivesWith(ISSUE, 'GatewayService.GetRun');
    },
    async cancelRun() {
      throw arrivesWith(ISSUE, 'GatewayService.CancelRun');
    },
    async resolveApproval() {
      throw arrivesWith(ISSUE, 'GatewayService.ResolveApproval');
    },
  };
}

export function gatewayRegistration(): ServiceRegistration<typeof gatewayv1.GatewayService> {
  return defineService(gatewayv1.GatewayService, createGatewayHandlers());
}
