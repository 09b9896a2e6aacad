// Approval state on the TtlStore port (issue #6 item 6: "Pending asks and session grants in Redis
// (memory adapter embedded) with TTLs"). Every replica reads and writes the same keys, so replicas
// agree: an ask created on one is listed, resolved and timed out by any other. Atomicity comes from
// the port: set-if-absent decides who resolves an ask, `take` hands out a once-approval exactly once.
import { grantNonceKey } from '@hermes/security';
import type { TtlStore } from '@hermes/storage';
import type { AskRecord, Resolution } from '../domain/types.ts';

/** Session grants, yolo and the denial tally live this long after their last write. */
export const SESSION_STATE_TTL_MS = 24 * 60 * 60 * 1000;
/** How long an ended ask stays readable, so a late Resolve can say "too late" rather than "unknown". */
export const ASK_RETENTION_MS = 10 * 60 * 1000;
/** Upper bound on slots one listing walks (pending asks are few; this only bounds a pathological backlog). */
const MAX_SCAN = 10_000;

const P = 'approval:';
const enc = encodeURIComponent;

/** Time allowed between taking a slot number and writing the slot. */
const SLOT_WRITE_GRACE_MS = 5_000;

export class ApprovalState {
  readonly store: TtlStore;
  readonly #seen: { seq: number; at: number }[] = [];

  constructor(store: TtlStore) {
    this.store = store;
  }

  // --- sessions -------------------------------------------------------------------------------

  async sessionEpoch(sessionId: string): Promise<number> {
    const v = await this.store.get(`${P}sess:${enc(sessionId)}:epoch`);
    return v === undefined ? 0 : Number(v);
  }

  /** Session reset: every session-scoped key is addressed through the epoch, so bumping it forgets them all. */
  async bumpEpoch(sessionId: string): Promise<number> {
    const key = `${P}sess:${enc(sessionId)}:epoch`;
    const n = await this.store.incr(key);
    await this.store.expire(key, 2 * SESSION_STATE_TTL_MS);
    return n;
  }

  async isYolo(sessionId: string, epoch: number): Promise<boolean> {
    return (await this.store.get(`${P}yolo:${enc(sessionId)}:${epoch}`)) === '1';
  }

  async setYolo(sessionId: string, epoch: number, enabled: boolean): Promise<void> {
    const key = `${P}yolo:${enc(sessionId)}:${epoch}`;
    if (enabled) await this.store.set(key, '1', { ttlMs: SESSION_STATE_TTL_MS });
    else await this.store.del(key);
  }

  async hasSessionGrant(sessionId: string, epoch: number, key: string): Promise<boolean> {
    return (await this.store.get(`${P}sg:${enc(sessionId)}:${epoch}:${enc(key)}`)) !== undefined;
  }

  async addSessionGrants(sessionId: string, epoch: number, keys: readonly string[], requestId: string): Promise<void> {
    await Promise.all(
      keys.map((k) =>
        this.store.set(`${P}sg:${enc(sessionId)}:${epoch}:${enc(k)}`, requestId, { ttlMs: SESSION_STATE_TTL_MS }),
      ),
    );
  }

  async incrSmartDenials(sessionId: string, epoch: number): Promise<number> {
    return this.store.incr(`${P}smartdeny:${enc(sessionId)}:${epoch}`, { ttlMs: SESSION_STATE_TTL_MS });
  }

  async smartDenials(sessionId: string, epoch: number): Promise<number> {
    return Number((await this.store.get(`${P}smartdeny:${enc(sessionId)}:${epoch}`)) ?? 0);
  }

  async resetSmartDenials(sessionId: string, epoch: number): Promise<void> {
    await this.store.del(`${P}smartdeny:${enc(sessionId)}:${epoch}`);
  }

  // --- asks -----------------------------------------------------------------------------------

  /** Stores the ask and adds it to the pending index (a counter plus one slot per ask, all with TTLs). */
  async createAsk(ask: AskRecord, ttlMs: number): Promise<AskRecord> {
    const slot = await this.store.incr(`${P}pending:seq`);
    const stored: AskRecord = { ...ask, slot };
    await this.store.set(`${P}ask:${enc(ask.id)}`, JSON.stringify(stored), { ttlMs });
    await this.store.set(`${P}pending:slot:${slot}`, ask.id, { ttlMs });
    return stored;
  }

  /** An ended ask leaves the pending index at once (its record stays readable for late callers). */
  async dropSlot(ask: AskRecord): Promise<void> {
    if (ask.slot !== undefined) await this.store.del(`${P}pending:slot:${ask.slot}`);
  }

  async getAsk(id: string): Promise<AskRecord | undefined> {
    const v = await this.store.get(`${P}ask:${enc(id)}`);
    return v === undefined ? undefined : (JSON.parse(v) as AskRecord);
  }

  async getResolution(id: string): Promise<Resolution | undefined> {
    const v = await this.store.get(`${P}res:${enc(id)}`);
    return v === undefined ? undefined : (JSON.parse(v) as Resolution);
  }

  /** Writes the ask's ending if none exists yet. True when this caller decided it. */
  async resolveIfOpen(id: string, resolution: Resolution, ttlMs: number): Promise<boolean> {
    return this.store.set(`${P}res:${enc(id)}`, JSON.stringify(resolution), { ttlMs, onlyIfAbsent: true });
  }

  /** A once-approval can be used by exactly one waiter (coalesced followers re-ask, §5). */
  async putOnce(id: string, ttlMs: number): Promise<void> {
    await this.store.set(`${P}once:${enc(id)}`, '1', { ttlMs });
  }

  async takeOnce(id: string): Promise<boolean> {
    return (await this.store.take(`${P}once:${enc(id)}`)) !== undefined;
  }

  /** Joins an identical pending ask: returns the existing request id, or undefined when `id` now owns the key. */
  async claimCoalesce(key: string, id: string, ttlMs: number): Promise<string | undefined> {
    const k = `${P}co:${key}`;
    if (await this.store.set(k, id, { ttlMs, onlyIfAbsent: true })) return undefined;
    return (await this.store.get(k)) ?? undefined;
  }

  async releaseCoalesce(key: string, id: string): Promise<void> {
    const k = `${P}co:${key}`;
    // Only the owner's entry is removed (a newer ask may hold the key already).
    if ((await this.store.get(k)) === id) await this.store.del(k);
  }

  /** Ids of asks that may still be pending (ended ones are filtered by the caller), oldest first. */
  async pendingIds(): Promise<string[]> {
    const seq = Number((await this.store.get(`${P}pending:seq`)) ?? 0);
    let low = Number((await this.store.get(`${P}pending:low`)) ?? 1);
    if (seq - low >= MAX_SCAN) low = seq - MAX_SCAN + 1;
    const ids: string[] = [];
    let firstLive = 0;
    for (let n = low; n <= seq; n++) {
      const id = await this.store.get(`${P}pending:slot:${n}`);
      if (id === undefined) continue;
      if (firstLive === 0) firstLive = n;
      ids.push(id);
    }
    // Slots only ever die, and new ones are numbered above `seq`, so everything below the first live
    // slot is gone for good — except a slot whose number was taken (incr) but not yet written (set).
    // Only numbers this replica saw taken at least SLOT_WRITE_GRACE_MS ago are skipped for good.
    const now = Date.now();
    this.#seen.push({ seq, at: now });
    while (this.#seen.length > 64) this.#seen.shift();
    let safeSeq = 0;
    for (const s of this.#seen) if (s.at <= now - SLOT_WRITE_GRACE_MS && s.seq > safeSeq) safeSeq = s.seq;
    const newLow = Math.min(firstLive === 0 ? seq + 1 : firstLive, safeSeq + 1);
    if (newLow > low) await this.store.set(`${P}pending:low`, String(newLow));
    return ids;
  }

  // --- grants ---------------------------------------------------------------------------------

  /** Registers a grant's nonce; the executor consumes it with `take(grantNonceKey(nonce))`. */
  async registerNonce(nonce: string, approvalId: string, ttlMs: number): Promise<void> {
    await this.store.set(grantNonceKey(nonce), approvalId, { ttlMs });
  }
}
