import type { CodeHash } from '../domain/pairing-code.ts';

/** A pending pairing request. Only the code's salted hash is ever held. */
export interface PendingRecord {
  readonly requestId: string;
  /** Platform name (`telegram`, …). */
  readonly platform: string;
  readonly userId: string;
  readonly displayName: string;
  readonly code: CodeHash;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface ApprovedRecord {
  readonly platform: string;
  readonly userId: string;
  readonly displayName: string;
  /** Epoch ms. */
  readonly approvedAt: number;
}

/** What may be done while holding a platform's pairing lock. */
export interface PairingTx {
  isApproved(platform: string, userId: string): Promise<boolean>;
  /** Deletes the platform's pending requests that expired at or before `now`; returns how many. */
  pruneExpired(platform: string, now: number): Promise<number>;
  /** The platform's live pending requests, oldest first. */
  pending(platform: string, now: number): Promise<PendingRecord[]>;
  /** Inserts a request, replacing the same user's previous one (one live code per user). */
  insertPending(record: PendingRecord): Promise<void>;
  /** Marks the user approved (idempotent) and deletes their pending requests. */
  approve(record: ApprovedRecord): Promise<void>;
}

/**
 * Approved users and pending requests, shared by every replica (issue #5 item 3). The one adapter is
 * Postgres (`pg-pairing-store.ts`), which also runs on embedded PGlite.
 */
export interface PairingStore {
  /**
   * Runs `fn` in one transaction holding the platform's pairing lock, so that on every replica the
   * read-check-write steps of RequestCode and Approve (pending cap, failure streak, lockout) happen
   * one at a time per platform.
   */
  withPlatformLock<T>(platform: string, fn: (tx: PairingTx) => Promise<T>): Promise<T>;
  isApproved(platform: string, userId: string): Promise<boolean>;
  /** Returns the removed record, or undefined if the user was not approved. */
  revoke(platform: string, userId: string): Promise<ApprovedRecord | undefined>;
  listApproved(platform: string | undefined): Promise<ApprovedRecord[]>;
  /** Live pending requests (expired ones are pruned first). */
  listPending(platform: string | undefined, now: number): Promise<PendingRecord[]>;
  /** Deletes pending requests; returns how many live ones were cleared. */
  clearPending(platform: string | undefined, now: number): Promise<number>;
}
