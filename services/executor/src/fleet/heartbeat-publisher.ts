// Each worker announces itself on the fleet subject every `intervalMs` (and at once when a registry
// asks): backend, images, capacity and current load. Its last heartbeat says `draining`, so
// `hermes workers` stops listing it without waiting for the TTL.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { HERMES_VERSION } from '@hermes/platform';
import { executorv1 } from '@hermes/proto';
import { backendToProto } from '../backend-name.ts';
import type { Worker } from '../run/worker.ts';
import { FLEET_ANNOUNCE_SUBJECT, FLEET_HEARTBEAT_SUBJECT, type FleetBus, type FleetSubscription } from './fleet-bus.ts';
import { encodeHeartbeat } from './fleet-registry.ts';

export interface HeartbeatPublisherOptions {
  readonly bus: FleetBus;
  readonly worker: Worker;
  /** Shown in `hermes workers` (the worker's hostname). */
  readonly host: string;
  /** Default 2000 ms; registries keep a worker for 3 periods. */
  readonly intervalMs?: number;
}

export function workerInfo(worker: Worker, host: string, draining = false): executorv1.WorkerInfo {
  return create(executorv1.WorkerInfoSchema, {
    workerId: worker.workerId,
    backend: backendToProto(worker.backendName),
    host,
    images: [...worker.backend.images],
    capacity: worker.capacity,
    activeRuns: worker.activeRuns,
    sessions: worker.sessions().length,
    startedAt: timestampFromMs(worker.startedAt),
    version: HERMES_VERSION,
    warm: worker.backend.warmCount(),
    draining,
  });
}

export class HeartbeatPublisher {
  readonly #o: HeartbeatPublisherOptions;
  readonly #timer: NodeJS.Timeout;
  readonly #announces: FleetSubscription;
  #stopped = false;

  constructor(options: HeartbeatPublisherOptions) {
    this.#o = options;
    this.#announces = options.bus.subscribe(FLEET_ANNOUNCE_SUBJECT, () => this.beat());
    this.#timer = setInterval(() => this.beat(), options.intervalMs ?? 2000);
    this.#timer.unref();
    this.beat();
  }

  beat(): void {
    if (this.#stopped) return;
    this.#o.bus.publish(FLEET_HEARTBEAT_SUBJECT, encodeHeartbeat(workerInfo(this.#o.worker, this.#o.host)));
  }

  /** Last heartbeat, marked draining. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#announces.unsubscribe();
    this.#o.bus.publish(FLEET_HEARTBEAT_SUBJECT, encodeHeartbeat(workerInfo(this.#o.worker, this.#o.host, true)));
  }
}
