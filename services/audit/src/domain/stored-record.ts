import type { ChainedEvent } from './chain-hash.ts';

/** One row of `audit.records`. */
export interface StoredRecord {
  readonly seq: number;
  readonly event: ChainedEvent;
  readonly prevHash: string;
  readonly hash: string;
  readonly recordedAtMs: number;
  readonly streamSeq: number;
}

/** An event on its way in, with where it came from (JetStream stream sequence; 0 in embedded mode). */
export interface IncomingEvent {
  readonly event: ChainedEvent;
  readonly streamSeq: number;
}

/** Filters of AuditService.Query; every given one must match. */
export interface RecordFilter {
  readonly sinceMs?: number;
  readonly untilMs?: number;
  readonly outcome?: string;
  readonly actor?: string;
  readonly kind?: string;
  readonly service?: string;
  readonly sessionId?: string;
  /** The newest `limit` matches are returned, oldest first. */
  readonly limit: number;
}

/** Where the writer says the chain ends. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}
