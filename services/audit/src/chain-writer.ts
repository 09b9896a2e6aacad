import type { Logger } from '@hermes/observability';
import type { AppendResult } from './adapters/pg-audit-store.ts';
import type { AuditMetrics } from './audit-metrics.ts';
import type { IncomingEvent } from './domain/stored-record.ts';

/** An event waiting for its commit, with what to do once it is committed (JetStream: ack). */
export interface QueuedEvent {
  readonly event: IncomingEvent;
  /** Called after the commit that contains it (or that found it already stored). */
  readonly committed?: () => void;
  /** Called every `touchEveryMs` while it waits on an unreachable store (JetStream: in-progress ack). */
  readonly touch?: () => void;
  /** Called for what is still uncommitted when the writer stops (JetStream: nak, so another replica takes it now). */
  readonly released?: () => void;
}

export interface ChainWriterOptions {
  readonly append: (batch: readonly IncomingEvent[], now: Date) => Promise<AppendResult>;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics?: AuditMetrics;
  /** Events per transaction (default 500). */
  readonly maxBatch?: number;
  readonly touchEveryMs?: number;
  /** Retry delay bounds while the store is away (defaults 100 ms → 2 s). */
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * The single ordered writer of a replica: events are appended in the order they were queued, in
 * batches, one transaction at a time. When Postgres is away the same batch is retried (with
 * backoff) until it commits, and nothing behind it overtakes it, so events land in order once the
 * database returns (issue #8: "Postgres down: events wait in JetStream and land, in order").
 */
export class ChainWriter {
  readonly #o: ChainWriterOptions;
  readonly #queue: QueuedEvent[] = [];
  readonly #stop = new AbortController();
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #idleWaiters: Array<() => void> = [];
  #storeDown = false;
  #busy = false;

  constructor(options: ChainWriterOptions) {
    this.#o = options;
  }

  /** Events queued and not yet committed. */
  get pending(): number {
    return this.#queue.length;
  }

  get storeReachable(): boolean {
    return !this.#storeDown;
  }

  push(item: QueuedEvent): void {
    this.#queue.push(item);
    this.#o.metrics?.queued.set(this.#queue.length);
    this.#wake?.();
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  /** Resolves once everything queued so far is committed (tests, bench, shutdown). */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && !this.#busy) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops after the batch in hand; waits at most `graceMs` for the queue to drain. Whatever is left
   * is not acknowledged, so JetStream redelivers it to the next replica (embedded mode: logged lost).
   */
  async stop(graceMs: number): Promise<number> {
    if (this.#running === undefined) return this.#queue.length;
    const drained = this.idle();
    await Promise.race([drained, new Promise((r) => setTimeout(r, graceMs).unref())]);
    this.#stop.abort();
    this.#wake?.();
    await this.#running;
    for (const q of this.#queue) q.released?.();
    return this.#queue.length;
  }

  async #loop(): Promise<void> {
    const max = this.#o.maxBatch ?? 500;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      if (this.#queue.length === 0) {
        for (const w of this.#idleWaiters.splice(0)) w();
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      this.#busy = true;
      const batch = this.#queue.slice(0, max);
      const ok = await this.#appendWithRetry(batch, signal);
      if (ok) {
        this.#queue.splice(0, batch.length);
        this.#o.metrics?.queued.set(this.#queue.length);
        for (const b of batch) b.committed?.();
      }
      this.#busy = false;
    }
    for (const w of this.#idleWaiters.splice(0)) w();
  }

  async #appendWithRetry(batch: readonly QueuedEvent[], signal: AbortSignal): Promise<boolean> {
    let delay = this.#o.minRetryMs ?? 100;
    let lastTouch = performance.now();
    const events = batch.map((b) => b.event);
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.#o.append(events, new Date(this.#o.clock()));
        this.#o.metrics?.appended.inc(r.appended);
        if (r.duplicates > 0) this.#o.metrics?.duplicates.inc(r.duplicates);
        if (this.#storeDown) {
          this.#storeDown = false;
          this.#o.logger.info({ attempts: attempt, head: r.head.seq }, 'audit store reachable again; appending');
        }
        return true;
      } catch (error) {
        this.#o.metrics?.storeFailures.inc();
        if (!this.#storeDown) {
          this.#storeDown = true;
          this.#o.logger.warn(
            { err: error, waiting: this.#queue.length },
            'audit store unavailable; events wait and are retried in order',
          );
        }
      }
      if (signal.aborted) return false;
      const touchEvery = this.#o.touchEveryMs ?? 10_000;
      if (performance.now() - lastTouch >= touchEvery) {
        lastTouch = performance.now();
        for (const q of this.#queue) q.touch?.();
      }
      await sleep(delay, signal);
      delay = Math.min(delay * 2, this.#o.maxRetryMs ?? 2_000);
    }
  }
}
