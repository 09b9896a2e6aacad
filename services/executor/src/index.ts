import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ServiceModule } from '@hermes/platform';
import { type BusConnection, connectBus } from '@hermes/rpc';
import { createBackend } from './backends/create-backend.ts';
import { type FleetBus, InProcessFleetBus, natsFleetBus } from './fleet/fleet-bus.ts';
import { FleetRegistry } from './fleet/fleet-registry.ts';
import { HeartbeatPublisher } from './fleet/heartbeat-publisher.ts';
import { trustedGrantKeys, verifierGrantCheck } from './grant/grant-check.ts';
import { Worker } from './run/worker.ts';
import { executorRegistration } from './server.ts';

/** Embedded mode (`hermes up`): the workers of this process share one in-process fleet. */
const embeddedFleetBus = new InProcessFleetBus();

/** Layers 3 and 4: workers per backend (local, docker, ssh, singularity, modal, daytona, vercel-sandbox), hardening, resource limits, workspaces, environment filtering. */
export const executorService: ServiceModule = {
  name: 'executor',
  async create(deps) {
    const workerId = `w${randomBytes(5).toString('hex')}`;
    // Fleet membership is publish/subscribe, which the RPC transport does not offer: in distributed
    // mode the worker opens its own NATS connection for heartbeats (ServiceDeps carries no bus).
    let fleetConn: BusConnection | undefined;
    let fleetBus: FleetBus = embeddedFleetBus;
    const natsUrl = deps.config.runtime.nats_url;
    if (deps.transport.kind === 'nats' && natsUrl !== undefined) {
      fleetConn = await connectBus({ url: natsUrl, name: `hermes-executor-fleet-${workerId}`, logger: deps.logger });
      fleetBus = natsFleetBus(fleetConn.nc);
    }
    const registry = new FleetRegistry({ bus: fleetBus, clock: deps.clock });
    await registry.start();
    let backend: Awaited<ReturnType<typeof createBackend>>;
    try {
      backend = await createBackend(deps.config.terminal.backend, {
        config: deps.config,
        env: deps.env,
        clock: deps.clock,
        workerId,
        logger: deps.logger,
        isWorkerAlive: async (id) => id === workerId || registry.isAlive(id),
      });
    } catch (e) {
      registry.close();
      await fleetConn?.close();
      throw e;
    }
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
    const heartbeats = new HeartbeatPublisher({ bus: fleetBus, worker, host: hostname() });
    deps.logger.info({ workerId, backend: backend.name }, 'executor worker ready');
    return {
      registrations: [executorRegistration(worker, { listWorkers: async () => ({ workers: registry.list() }) })],
      close: async () => {
        heartbeats.stop();
        await worker.close();
        registry.close();
        await fleetConn?.drain();
      },
    };
  },
};

export { CloudHttp, type CloudHttpOptions, statusCode as cloudHttpStatusCode } from './backends/cloud-http.ts';
export {
  type BackendContext,
  createBackend,
  dockerClient,
  dockerProfile,
  sandboxRoot,
} from './backends/create-backend.ts';
export { DAYTONA_DEFAULT_API_URL, DaytonaApi, type DaytonaApiOptions } from './backends/daytona/daytona-api.ts';
export { DAYTONA_ROOT, DaytonaBackend, type DaytonaBackendOptions } from './backends/daytona/daytona-backend.ts';
export { daytonaCommand, sandboxScript } from './backends/daytona/daytona-command.ts';
export { CAP_ADD, containerSpec, HARDENED_TMPFS, PIDS_LIMIT } from './backends/docker/container-spec.ts';
export { DockerBackend, type DockerBackendOptions } from './backends/docker/docker-backend.ts';
export { LocalBackend, type LocalBackendOptions } from './backends/local/local-backend.ts';
export { MODAL_ROOT, ModalBackend, type ModalBackendOptions } from './backends/modal/modal-backend.ts';
export type {
  ModalProcess,
  ModalSandbox,
  ModalSandboxes,
  ModalSandboxSpec,
} from './backends/modal/modal-sandboxes.ts';
export {
  MODAL_APP_NAME,
  modalRpcError,
  SdkModalSandboxes,
  type SdkModalSandboxesOptions,
} from './backends/modal/sdk-modal-sandboxes.ts';
export { singularityArgs } from './backends/singularity/singularity-args.ts';
export { SingularityBackend, type SingularityBackendOptions } from './backends/singularity/singularity-backend.ts';
export { parseKnownHosts, verifyHostKey } from './backends/ssh/known-hosts.ts';
export { SshBackend, type SshBackendOptions } from './backends/ssh/ssh-backend.ts';
export { SshConnectionPool, type SshTarget } from './backends/ssh/ssh-connection-pool.ts';
export {
  VERCEL_DEFAULT_API_URL,
  VercelSandboxApi,
  type VercelSandboxApiOptions,
} from './backends/vercel-sandbox/vercel-sandbox-api.ts';
export {
  VERCEL_ROOT,
  VercelSandboxBackend,
  type VercelSandboxBackendOptions,
} from './backends/vercel-sandbox/vercel-sandbox-backend.ts';
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
export {
  FLEET_ANNOUNCE_SUBJECT,
  FLEET_HEARTBEAT_SUBJECT,
  type FleetBus,
  InProcessFleetBus,
  natsFleetBus,
} from './fleet/fleet-bus.ts';
export { FleetRegistry, type FleetRegistryOptions } from './fleet/fleet-registry.ts';
export { HeartbeatPublisher, type HeartbeatPublisherOptions, workerInfo } from './fleet/heartbeat-publisher.ts';
export { type RunWatchdogOptions, watchRun } from './fleet/run-watchdog.ts';
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
