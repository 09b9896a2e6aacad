import { arrivesWith } from '@hermes/platform';
import { approvalv1 } from '@hermes/proto';
import { defineService, type ServiceImpl, type ServiceRegistration } from '@hermes/rpc';

const ISSUE = 'issue #6 (approval)';

/** First version of `hermes.approval.v1.ApprovalService`: wiring, health and lifecycle are real; the RPCs arrive with issue #6 (approval). */
export function createApprovalHandlers(): ServiceImpl<typeof approvalv1.ApprovalService> {
  return {
    async evaluate() {
      throw arrivesWith(ISSUE, 'ApprovalService.Evaluate');
    },
    async resolve() {
      throw arrivesWith(ISSUE, 'ApprovalService.Resolve');
    },
    async listPending() {
      throw arrivesWith(ISSUE, 'ApprovalService.ListPending');
    },
  };
}

export function approvalRegistration(): ServiceRegistration<typeof approvalv1.ApprovalService> {
  return defineService(approvalv1.ApprovalService, createApprovalHandlers());
}
