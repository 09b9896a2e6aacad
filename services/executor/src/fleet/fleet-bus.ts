// Where heartbeats travel. Fleet membership is plain publish/subscribe (no reply, no queue group):
// every worker hears every heartbeat, so any replica can answer ListWorkers and the docker reaper
// knows which owners are alive. NATS in distributed mode; an in-process hub when the platform runs
// embedded (one process, so the "fleet" is the workers of that process).
import type { BusConnection } from '@hermes/rpc';

/** `hermes.v1.executor.fleet.heartbeat`: each worker's WorkerInfo, every `heartbeatMs`. */
export const FLEET_HEARTBEAT_SUBJECT = 'hermes.v1.executor.fleet.heartbeat';
/** A registry that just started asks every worker to send its heartbeat now, instead of waiting a period. */
export const FLEET_ANNOUNCE_SUBJECT = 'hermes.v1.executor.fleet.announce';

export interface FleetSubscription {
  unsubscribe(): void;
}

export interface FleetBus {
  publish(subject: string, data: Uint8Array): void;
  subscribe(subject: string, onMessage: (data: Uint8Array) => void): FleetSubscription;
}

export function natsFleetBus(nc: BusConnection['nc']): FleetBus {
  return {
    publish(subject, data) {
      // A disconnected client buffers and sends on reconnect; a closed one throws, which a
      // heartbeat must survive (the next period tries again).
      try {
        nc.publish(subject, data);
      } catch {
        // closed: nothing to tell
      }
    },
    subscribe(subject, onMessage) {
      const sub = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (!err) onMessage(msg.data);
        },
      });
      return { unsubscribe: () => sub.unsubscribe() };
    },
  };
}

export class InProcessFleetBus implements FleetBus {
  readonly #subs = new Map<string, Set<(data: Uint8Array) => void>>();

  publish(subject: string, data: Uint8Array): void {
    // Asynchronous like a real bus, so a publisher never runs subscribers inside its own call.
    for (const fn of this.#subs.get(subject) ?? []) queueMicrotask(() => fn(data));
  }

  subscribe(subject: string, onMessage: (data: Uint8Array) => void): FleetSubscription {
    let set = this.#subs.get(subject);
    if (!set) {
      set = new Set();
      this.#subs.set(subject, set);
    }
    set.add(onMessage);
    return { unsubscribe: () => set.delete(onMessage) };
  }
}
