// Wire mapping of hermes.executor.v1.ExecutorService onto the worker.
import type { MessageInitShape } from '@bufbuild/protobuf';
import { durationFromMs, durationMs, timestampFromMs } from '@bufbuild/protobuf/wkt';
import { commonv1, executorv1 } from '@hermes/proto';
import { defineService, type ServiceImpl, type ServiceRegistration, servicePrefix } from '@hermes/rpc';
import { backendFromProto, backendToProto } from './backend-name.ts';
import { InvalidRunInputError } from './errors.ts';
import { toExecutorRpcError } from './rpc-errors.ts';
import type { RunEvent, Worker } from './run/worker.ts';

/** Extra, fleet-wide answers the worker alone cannot give (ListWorkers comes from the fleet registry). */
export interface ExecutorExtras {
  listWorkers(): Promise<MessageInitShape<typeof executorv1.ListWorkersResponseSchema>>;
}

function toResponse(ev: RunEvent, workerId: string): MessageInitShape<typeof executorv1.RunResponseSchema> {
  switch (ev.kind) {
    case 'started':
      return { event: { case: 'runId', value: ev.runId } };
    case 'output':
      return {
        event: {
          case: 'output',
          value: {
            stream: ev.stream === 'stdout' ? executorv1.Stream.STDOUT : executorv1.Stream.STDERR,
            data: ev.data,
          },
        },
      };
    case 'heartbeat':
      return { event: { case: 'heartbeat', value: { workerId, elapsed: durationFromMs(ev.elapsedMs) } } };
    case 'result': {
      const r = ev.result;
      return {
        event: {
          case: 'result',
          value: {
            runId: r.runId,
            exitCode: r.exitCode,
            signal: r.signal,
            duration: durationFromMs(r.durationMs),
            stdoutTruncated: r.stdoutTruncated,
            stderrTruncated: r.stderrTruncated,
            timedOut: r.timedOut,
            cancelled: r.cancelled,
            workerId,
          },
        },
      };
    }
  }
}

export function createExecutorHandlers(
  worker: Worker,
  extras?: ExecutorExtras,
): ServiceImpl<typeof executorv1.ExecutorService> {
  const backend = worker.backendName;
  return {
    async *run(req, ctx) {
      try {
        if (req.backend !== commonv1.Backend.UNSPECIFIED && backendFromProto(req.backend) !== backend) {
          throw new InvalidRunInputError('backend', `this worker serves the ${backend} backend`);
        }
        const events = worker.run(
          {
            grant: req.grant,
            sessionId: req.sessionId,
            argv: req.argv,
            script: req.script,
            cwd: req.cwd,
            env: req.env,
            timeoutMs: req.timeout ? durationMs(req.timeout) : undefined,
            stdin: req.stdin,
            messaging: req.messaging,
            taskId: req.taskId,
          },
          ctx,
        );
        for await (const ev of events) yield toResponse(ev, worker.workerId);
      } catch (e) {
        throw toExecutorRpcError(e);
      }
    },
    async cancel(req) {
      return { cancelled: worker.cancel(req.runId) };
    },
    async listSessions() {
      return {
        sessions: worker.sessions().map((s) => ({
          sessionId: s.session.sessionId,
          backend: backendToProto(backend),
          activeRuns: s.activeRuns,
          workerId: worker.workerId,
          workspace: s.session.workspace,
          persistent: s.session.persistent,
          createdAt: timestampFromMs(s.session.createdAt),
        })),
      };
    },
    async endSession(req) {
      try {
        return { ended: await worker.endSession(req.sessionId) };
      } catch (e) {
        throw toExecutorRpcError(e);
      }
    },
    async listWorkers() {
      if (extras) return extras.listWorkers();
      return {
        workers: [
          {
            workerId: worker.workerId,
            backend: backendToProto(backend),
            capacity: worker.capacity,
            activeRuns: worker.activeRuns,
            sessions: worker.sessions().length,
            images: [...worker.backend.images],
            warm: worker.backend.warmCount(),
            startedAt: timestampFromMs(worker.startedAt),
          },
        ],
      };
    },
  };
}

/** Workers subscribe per backend: `hermes.v1.executor.<backend>.<Method>` (ARCHITECTURE). */
export function executorRegistration(
  worker: Worker,
  extras?: ExecutorExtras,
): ServiceRegistration<typeof executorv1.ExecutorService> {
  return defineService(executorv1.ExecutorService, createExecutorHandlers(worker, extras), {
    subjectPrefix: servicePrefix('executor', worker.backendName),
  });
}
