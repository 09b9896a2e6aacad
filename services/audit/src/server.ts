import { arrivesWith } from '@hermes/platform';
import { auditv1 } from '@hermes/proto';
import { defineService, type ServiceImpl, type ServiceRegistration } from '@hermes/rpc';

const ISSUE = 'issue #8 (audit)';

/** First version of `hermes.audit.v1.AuditService`: wiring, health and lifecycle are real; the RPCs arrive with issue #8 (audit). */
export function createAuditHandlers(): ServiceImpl<typeof auditv1.AuditService> {
  return {
    async query() {
      throw arrivesWith(ISSUE, 'AuditService.Query');
    },
    async verify() {
      throw arrivesWith(ISSUE, 'AuditService.Verify');
    },
  };
}

export function auditRegistration(): ServiceRegistration<typeof auditv1.AuditService> {
  return defineService(auditv1.AuditService, createAuditHandlers());
}
