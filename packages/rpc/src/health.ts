import { healthv1 } from '@hermes/proto';

const { HealthCheckResponse_ServingStatus: Status } = healthv1;
export type ServingStatus = healthv1.HealthCheckResponse_ServingStatus;
export const ServingStatus = Status;

type Listener = (status: ServingStatus) => void;

/**
 * Serving status per service name (the gRPC health protocol: "" is the whole server). Shared by the
 * gRPC health service, `hermes health`, and the Kubernetes probes.
 */
export class HealthRegistry {
  readonly #status = new Map<string, ServingStatus>([['', Status.NOT_SERVING]]);
  readonly #listeners = new Map<string, Set<Listener>>();

  set(service: string, status: ServingStatus): void {
    if (this.#status.get(service) === status) return;
    this.#status.set(service, status);
    for (const l of this.#listeners.get(service) ?? []) l(status);
  }

  /** Marks the server and every listed service at once (start: SERVING; shutdown: NOT_SERVING). */
  setAll(status: ServingStatus): void {
    for (const k of this.#status.keys()) this.set(k, status);
  }

  get(service: string): ServingStatus | undefined {
    return this.#status.get(service);
  }

  entries(): Array<[string, ServingStatus]> {
    return [...this.#status.entries()];
  }

  watch(service: string, listener: Listener): () => void {
    let set = this.#listeners.get(service);
    if (!set) {
      set = new Set();
      this.#listeners.set(service, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }
}
