import { arrivesWith } from '@hermes/platform';
import { authzv1 } from '@hermes/proto';
import { defineService, type ServiceImpl, type ServiceRegistration } from '@hermes/rpc';

const ISSUE = 'issue #5 (authz)';

/** First version of `hermes.authz.v1.AuthzService`: wiring, health and lifecycle are real; the RPCs arrive with issue #5 (authz). */
export function createAuthzHandlers(): ServiceImpl<typeof authzv1.AuthzService> {
  return {
    async check() {
      throw arrivesWith(ISSUE, 'AuthzService.Check');
    },
    async requestCode() {
      throw arrivesWith(ISSUE, 'AuthzService.RequestCode');
    },
    async approve() {
      throw arrivesWith(ISSUE, 'AuthzService.Approve');
    },
    async revoke() {
      throw arrivesWith(ISSUE, 'AuthzService.Revoke');
    },
    async list() {
      throw arrivesWith(ISSUE, 'AuthzService.List');
    },
    async clearPending() {
      throw arrivesWith(ISSUE, 'AuthzService.ClearPending');
    },
  };
}

export function authzRegistration(): ServiceRegistration<typeof authzv1.AuthzService> {
  return defineService(authzv1.AuthzService, createAuthzHandlers());
}
