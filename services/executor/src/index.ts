import { randomBytes } from 'node:crypto';
import type { ServiceModule } from '@hermes/platform';
import { createBackend } from './backends/create-backend.ts';
import { trustedGrantKeys, verifierGrantCheck } from './grant/grant-check.ts';
import { Worker } from './run/worker.ts';
import { executorRegistration } from './server.ts';

/** Layers 3 and 4: workers per backend (local, docker, ssh, singularity, modal, daytona, vercel-sandbox), hardening, resource limits, workspaces, environment filtering. */
export const executorService: ServiceModule = {
  name: 'executor',
  async create(deps) {
    const workerId = `w${randomBytes(5).toString('hex')}`;
    const backend = await createBackend(deps.config.terminal.backend, {
      config: deps.config,
      env: deps.env,
      clock: deps.clock,
      workerId,
      logger: deps.logger,
    });
    const keys = trustedGrantKeys(deps.config);
    if (keys.size === 0) {
      deps.logger.warn(
        { key: 'approvals.grants.public_keys' },
        'no grant verification key configured: every run will be refused until one is',
      );
    }
    const grants = verifierGrantCheck({ keys, ttlStore: () => deps.ttlStore(), now: deps.clock });
    const worker = new Worker({
      workerId,
      backend,
      grants,
      redactor: deps.redactor,
      audit: deps.audit,
      logger: deps.logger,
      clock: deps.clock,
    });
    deps.logger.info({ workerId, backend: backend.name }, 'executor worker ready');
    return {
      registrations: [executorRegistration(worker)],
      close: () => worker.close(),
    };
  },
};

export {
  type BackendContext,
  createBackend,
  dockerClient,
  dockerProfile,
  sandboxRoot,
} from './backends/create-backend.ts';
export { CAP_ADD, containerSpec, HARDENED_TMPFS, PIDS_LIMIT } from './backends/docker/container-spec.ts';
export { DockerBackend, type DockerBackendOptions } from './backends/docker/docker-backend.ts';
export { LocalBackend, type LocalBackendOptions } from './backends/local/local-backend.ts';
export { parseKnownHosts, verifyHostKey } from './backends/ssh/known-hosts.ts';
export { SshBackend, type SshBackendOptions } from './backends/ssh/ssh-backend.ts';
export { SshConnectionPool, type SshTarget } from './backends/ssh/ssh-connection-pool.ts';
export {
  BackendConfigError,
  BackendUnavailableError,
  GrantRefusedError,
  HostKeyRefusedError,
  InvalidRunInputError,
  NotFoundError,
  SpawnFailedError,
  WorkerAtCapacityError,
} from './errors.ts';
export { type GrantCheck, type GrantRequest, trustedGrantKeys, verifierGrantCheck } from './grant/grant-check.ts';
export type {
  BackendSession,
  ExecSpec,
  ExecutionBackend,
  ExitStatus,
  RunningCommand,
  SessionRef,
} from './ports/execution-backend.ts';
export { type RunEvent, type RunOutcome, Worker, type WorkerOptions } from './run/worker.ts';
export { RunLimits } from './sanitize/limits.ts';
export { resolveCwd, validateRunInput } from './sanitize/run-input.ts';
export { createExecutorHandlers, type ExecutorExtras, executorRegistration } from './server.ts';
