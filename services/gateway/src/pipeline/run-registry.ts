// Run records for GetRun / CancelRun, in the TTL store (Redis in distributed mode) so any gateway
// replica can answer GetRun. Writes of one run are chained (never reordered) and not awaited by the
// pipeline: the record is for status queries, the stream itself is the source of truth for the caller.
import type { TtlStore } from '@hermes/storage';

export const RunState = {
  authorizing: 'authorizing',
  scanning: 'scanning',
  awaitingApproval: 'awaiting_approval',
  running: 'running',
  exited: 'exited',
  denied: 'denied',
  cancelled: 'cancelled',
  failed: 'failed',
} as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

export interface RunRecord {
  readonly runId: string;
  readonly state: RunState;
  /** `key:<id>` for API keys, `cli:<user>` for hermes exec. */
  readonly owner: string;
  readonly sessionId: string;
  /** Redacted. */
  readonly command: string;
  readonly backend: string;
  readonly createdAt: number;
  readonly finishedAt?: number;
  readonly exitCode?: number;
  readonly approvalRequestId?: string;
  readonly deniedReason?: string;
  readonly executorRunId?: string;
}

/** Records live one day; GetRun after that is NOT_FOUND. */
const RECORD_TTL_MS = 24 * 60 * 60 * 1000;
const keyOf = (runId: string): string => `hermes:gateway:run:${runId}`;

export class RunRegistry {
  readonly #store: () => Promise<TtlStore>;
  readonly #onError: (err: unknown) => void;
  /** The one writer per run in flight; a run never has two writes racing each other. */
  readonly #writers = new Map<string, Promise<void>>();
  /** The newest record not yet written, per run. */
  readonly #unwritten = new Map<string, RunRecord>();
  readonly #current = new Map<string, RunRecord>();

  constructor(store: () => Promise<TtlStore>, onError: (err: unknown) => void) {
    this.#store = store;
    this.#onError = onError;
  }

  /**
   * Records a state change (fire-and-forget, ordered per run). Changes that arrive while a write
   * is in flight are coalesced: only the newest is written next, so a fast run costs the store
   * two or three writes instead of one per state change, and the stored record still ends at the
   * last state.
   */
  update(record: RunRecord): void {
    this.#current.set(record.runId, record);
    this.#unwritten.set(record.runId, record);
    if (!this.#writers.has(record.runId)) this.#writers.set(record.runId, this.#drain(record.runId));
  }

  async #drain(runId: string): Promise<void> {
    try {
      const store = await this.#store();
      for (let rec = this.#unwritten.get(runId); rec !== undefined; rec = this.#unwritten.get(runId)) {
        this.#unwritten.delete(runId);
        try {
          await store.set(keyOf(runId), JSON.stringify(rec), { ttlMs: RECORD_TTL_MS });
        } catch (err) {
          this.#onError(err);
        }
        if (isFinal(rec.state) && !this.#unwritten.has(runId)) this.#current.delete(runId);
      }
    } catch (err) {
      // No store at all: the newest record stays readable locally until the run ends.
      this.#onError(err);
      const rec = this.#unwritten.get(runId);
      this.#unwritten.delete(runId);
      if (rec && isFinal(rec.state)) this.#current.delete(runId);
    } finally {
      this.#writers.delete(runId);
    }
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const local = this.#current.get(runId);
    if (local) return local;
    const text = await (await this.#store()).get(keyOf(runId));
    return text === undefined ? undefined : (JSON.parse(text) as RunRecord);
  }

  /** Waits for pending writes (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.#writers.size > 0) await Promise.allSettled([...this.#writers.values()]);
  }
}

export function isFinal(state: RunState): boolean {
  return state === 'exited' || state === 'denied' || state === 'cancelled' || state === 'failed';
}
