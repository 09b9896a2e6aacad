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
  readonly #chains = new Map<string, Promise<void>>();
  readonly #current = new Map<string, RunRecord>();

  constructor(store: () => Promise<TtlStore>, onError: (err: unknown) => void) {
    this.#store = store;
    this.#onError = onError;
  }

  /** Records a state change (fire-and-forget, ordered per run). */
  update(record: RunRecord): void {
    this.#current.set(record.runId, record);
    const prev = this.#chains.get(record.runId) ?? Promise.resolve();
    const next = prev
      .then(async () => {
        await (await this.#store()).set(keyOf(record.runId), JSON.stringify(record), { ttlMs: RECORD_TTL_MS });
      })
      .catch(this.#onError);
    this.#chains.set(record.runId, next);
    if (isFinal(record.state)) {
      void next.finally(() => {
        if (this.#chains.get(record.runId) === next) this.#chains.delete(record.runId);
        this.#current.delete(record.runId);
      });
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
    await Promise.allSettled([...this.#chains.values()]);
  }
}

export function isFinal(state: RunState): boolean {
  return state === 'exited' || state === 'denied' || state === 'cancelled' || state === 'failed';
}
