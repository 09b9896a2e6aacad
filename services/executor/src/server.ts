import { arrivesWith } from '@hermes/platform';
import { executorv1 } from '@hermes/proto';
import { defineService, type ServiceImpl, type ServiceRegistration, servicePrefix } from '@hermes/rpc';

const ISSUE = 'issue #7 (executor)';

/** First version of `hermes.executor.v1.ExecutorService`: wiring, health and lifecycle are real; the RPCs arrive with issue #7 (executor). */
export function createExecutorHandlers(): ServiceImpl<typeof executorv1.ExecutorService> {
  return {
    // biome-ignore lint/correctness/useYield: answers before streaming until issue #7 (executor) lands.
    async *run() {
      throw arrivesWith(ISSUE, 'ExecutorService.Run');
    },
    async cancel() {
      throw arrivesWith(ISSUE, 'ExecutorService.Cancel');
    },
    async listSessions() {
      throw arrivesWith(ISSUE, 'ExecutorService.ListSessions');
    },
    async endSession() {
      throw arrivesWith(ISSUE, 'ExecutorService.EndSession');
    },
  };
}

/** Workers subscribe per backend: `hermes.v1.executor.<backend>.<Method>` (ARCHITECTURE). */
export function executorRegistration(backend: string): ServiceRegistration<typeof executorv1.ExecutorService> {
  return defineService(executorv1.ExecutorService, createExecutorHandlers(), {
    subjectPrefix: servicePrefix('executor', backend),
  });
}
