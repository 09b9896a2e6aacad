// Fleet registry (issue #7 item 7): every worker's heartbeat (backend, images, capacity, load) kept
// for `ttlMs`; ListWorkers answers from it and the docker orphan reaper asks it who is alive.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { executorv1 } from '@hermes/proto';
import { FLEET_ANNOUNCE_SUBJECT, FLEET_HEARTBEAT_SUBJECT, type FleetBus, type FleetSubscription } from './fleet-bus.ts';

export interface FleetRegistryOptions {
  readonly bus: FleetBus;
  /** A worker is live while its last heartbeat is younger than this. Default 3 heartbeat periods (6 s). */
  readonly ttlMs?: number;
  /** How long after start a registry waits for answers to its announce before trusting absence. Default 500 ms. */
  readonly warmupMs?: number;
  readonly clock?: () => number;
}

interface Entry {
  info: executorv1.WorkerInfo;
  seenAt: number;
}

export class FleetRegistry {
  readonly #o: FleetRegistryOptions;
  readonly #clock: () => number;
  readonly #ttl: number;
  readonly #workers = new Map<string, Entry>();
  #sub: FleetSubscription | undefined;
  #startedAt = Number.POSITIVE_INFINITY;

  constructor(options: FleetRegistryOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.#ttl = options.ttlMs ?? 6000;
  }

  /** Subscribes, asks every worker for a heartbeat now, and waits `warmupMs` for the answers. */
  async start(): Promise<void> {
    this.#sub = this.#o.bus.subscribe(FLEET_HEARTBEAT_SUBJECT, (data) => this.#onHeartbeat(data));
    this.#startedAt = this.#clock();
    this.#o.bus.publish(FLEET_ANNOUNCE_SUBJECT, new Uint8Array());
    const warmup = this.#o.warmupMs ?? 500;
    if (warmup > 0) await new Promise((r) => setTimeout(r, warmup));
  }

  #onHeartbeat(data: Uint8Array): void {
    let info: executorv1.WorkerInfo;
    try {
      info = fromBinary(executorv1.WorkerInfoSchema, data);
    } catch {
      return; // not ours to crash on
    }
    if (info.workerId === '') return;
    if (info.draining) {
      this.#workers.delete(info.workerId);
      return;
    }
    const now = this.#clock();
    info.lastHeartbeat = timestampFromMs(now);
    this.#workers.set(info.workerId, { info, seenAt: now });
  }

  /** Live workers, every backend, sorted by backend then id. */
  list(): executorv1.WorkerInfo[] {
    const now = this.#clock();
    const out: executorv1.WorkerInfo[] = [];
    for (const [id, e] of this.#workers) {
      if (now - e.seenAt > this.#ttl) this.#workers.delete(id);
      else out.push(e.info);
    }
    return out.sort((a, b) => a.backend - b.backend || a.workerId.localeCompare(b.workerId));
  }

  /**
   * Live by heartbeat. Before the registry has listened for a whole TTL an unknown worker counts
   * as alive: a reaper that just started must not remove a live worker's containers because its
   * heartbeat has not arrived yet.
   */
  isAlive(workerId: string): boolean {
    const e = this.#workers.get(workerId);
    const now = this.#clock();
    if (e && now - e.seenAt <= this.#ttl) return true;
    return now - this.#startedAt < this.#ttl;
  }

  close(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
  }
}

/** Encodes one heartbeat (tests and the publisher). */
export function encodeHeartbeat(info: executorv1.WorkerInfo): Uint8Array {
  return toBinary(executorv1.WorkerInfoSchema, info);
}

/** Milliseconds since the worker's last heartbeat as the registry saw it. */
export function heartbeatAgeMs(info: executorv1.WorkerInfo, now: number): number | undefined {
  return info.lastHeartbeat ? now - timestampMs(info.lastHeartbeat) : undefined;
}
