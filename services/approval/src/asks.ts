// The life of a pending ask (issue #6 item 2): wait, resolve, list, time out, cancel. Fail closed:
// the deadline is checked against the injected clock by every path that touches an ask (Await,
// Resolve, ListPending and the sweeper), and whoever first writes the ending wins — so an ask that
// nobody answers ends as `timeout` (deny) on any replica, even if the one that created it is gone.
import { EventEmitter } from 'node:events';
import type { AuditSink } from '@hermes/platform';
import {
  cancelledMessage,
  circuitBreakerMessage,
  deniedMessage,
  reviewedDeniedMessage,
  timeoutMessage,
} from './domain/messages.ts';
import { type AskRecord, type Choice, Outcome, type Resolution, type Verdict } from './domain/types.ts';
import { AskNotFoundError } from './errors.ts';
import type { GrantIssuer } from './grant-issuer.ts';
import type { AllowlistStore } from './ports/allowlist-store.ts';
import type { ApprovalSettings } from './settings.ts';
import { type ApprovalState, ASK_RETENTION_MS } from './state/approval-state.ts';

export interface AskManagerDeps {
  readonly settings: ApprovalSettings;
  readonly state: ApprovalState;
  readonly allowlist: AllowlistStore;
  readonly grants: GrantIssuer;
  readonly audit: AuditSink;
  readonly clock: () => number;
  readonly logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** How often a waiter re-reads shared state (other replicas' answers, injected-clock deadlines). */
  readonly pollMs?: number;
}

export interface ResolveResult {
  readonly resolved: boolean;
  readonly message: string;
  readonly outcome: Outcome | undefined;
  readonly choice: Choice | undefined;
}

const ASK_AGAIN =
  'This approval was already used by an identical request (approved once), or the session was reset. Evaluate the command again to ask the user.';

function outcomeOf(ask: AskRecord, r: Resolution): Outcome {
  if (r.outcome === 'approved') return Outcome.approved;
  if (r.outcome === 'denied') return ask.smartDenied ? Outcome.smartDenied : Outcome.denied;
  if (r.outcome === 'timeout') return Outcome.timeout;
  return Outcome.cancelled;
}

export class AskManager {
  readonly #d: AskManagerDeps;
  readonly #wake = new EventEmitter();
  readonly #pollMs: number;

  constructor(deps: AskManagerDeps) {
    this.#d = deps;
    this.#pollMs = deps.pollMs ?? 100;
    this.#wake.setMaxListeners(0);
  }

  get #ttlMs(): number {
    return this.#d.settings.timeoutMs + ASK_RETENTION_MS;
  }

  /** Writes the ending if the ask is still open; returns the ending that holds (this one or an earlier one). */
  async finalize(ask: AskRecord, resolution: Resolution): Promise<{ resolution: Resolution; won: boolean }> {
    const { state } = this.#d;
    const won = await state.resolveIfOpen(ask.id, resolution, this.#ttlMs);
    if (!won) {
      const existing = await state.getResolution(ask.id);
      return { resolution: existing ?? resolution, won: false };
    }
    await Promise.all([state.releaseCoalesce(ask.coalesceKey, ask.id), state.dropSlot(ask)]);
    this.#wake.emit(ask.id);
    if (resolution.outcome === 'timeout' || resolution.outcome === 'cancelled') {
      this.#d.audit.emit({
        kind: resolution.outcome === 'timeout' ? 'approval.timeout' : 'approval.cancel',
        outcome: 'denied',
        sessionId: ask.sessionId,
        attributes: { requestId: ask.id, command: ask.command, deadline: ask.deadline },
      });
    }
    return { resolution, won: true };
  }

  /** The ending that holds now, timing the ask out first if its deadline has passed. */
  async current(ask: AskRecord): Promise<Resolution | undefined> {
    const r = await this.#d.state.getResolution(ask.id);
    if (r) return r;
    const now = this.#d.clock();
    if (now < ask.deadline) return undefined;
    return (await this.finalize(ask, { outcome: 'timeout', at: now })).resolution;
  }

  /** Waits for the ask's ending (or the caller's signal) and turns it into a verdict. */
  async await(requestId: string, sessionId: string, signal: AbortSignal): Promise<Verdict> {
    for (;;) {
      signal.throwIfAborted();
      const ask = await this.#d.state.getAsk(requestId);
      // Another session's id is "unknown" too: a grant only goes to the session that asked.
      if (!ask || ask.sessionId !== sessionId) throw new AskNotFoundError(requestId);
      const r = await this.current(ask);
      if (r) return this.verdictFor(ask, r);
      await this.#sleep(ask.id, this.#pollMs, signal);
    }
  }

  #sleep(id: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake.off(id, done);
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.#wake.off(id, done);
        reject(signal.reason);
      };
      const timer = setTimeout(done, ms);
      this.#wake.once(id, done);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async verdictFor(ask: AskRecord, r: Resolution): Promise<Verdict> {
    const base = { hardline: false, findings: ask.findings, redactedCommand: ask.command, requestId: ask.id };
    const outcome = outcomeOf(ask, r);
    if (r.outcome === 'approved') {
      const usable =
        r.choice === 'once'
          ? await this.#d.state.takeOnce(ask.id)
          : (await this.#d.state.sessionEpoch(ask.sessionId)) === ask.epoch;
      if (!usable) return { ...base, decision: 'ask', outcome: Outcome.pending, message: ASK_AGAIN, requestId: '' };
      const g = await this.#d.grants.issue({
        sessionId: ask.sessionId,
        argvHash: ask.argvHash,
        cwd: ask.cwd,
        backend: ask.backend,
        approvalId: ask.id,
      });
      this.#d.audit.emit({
        kind: 'approval.grant',
        outcome: 'issued',
        sessionId: ask.sessionId,
        attributes: { approvalId: ask.id, expiresAt: g.expiresAt, backend: ask.backend, via: r.choice ?? '' },
      });
      return {
        ...base,
        decision: 'allow',
        outcome,
        message: `approved by ${r.approver || 'the user'} (${r.choice})`,
        grant: g.token,
        approvalId: g.approvalId,
        grantExpiresAt: g.expiresAt,
      };
    }
    let message =
      r.outcome === 'timeout'
        ? timeoutMessage(Math.round(this.#d.settings.timeoutMs / 1000))
        : r.outcome === 'cancelled'
          ? cancelledMessage()
          : ask.smartDenied
            ? `${reviewedDeniedMessage(ask.description)} ${deniedMessage(r.reason)}`
            : deniedMessage(r.reason);
    if (ask.smartDenied) {
      const n = await this.#d.state.smartDenials(ask.sessionId, ask.epoch);
      if (n >= this.#d.settings.breakerThreshold) message = `${message} ${circuitBreakerMessage(n)}`;
    }
    return { ...base, decision: 'deny', outcome, message };
  }

  /** A human's answer. Idempotent; late, unknown and not-offered answers resolve nothing and say why. */
  async resolve(requestId: string, choice: Choice, approver: string, reason: string): Promise<ResolveResult> {
    const { state, clock } = this.#d;
    const ask = await state.getAsk(requestId);
    if (!ask) {
      return {
        resolved: false,
        message: 'unknown or expired request id; nothing was resolved',
        outcome: undefined,
        choice: undefined,
      };
    }
    const existing = await state.getResolution(ask.id);
    if (existing) return this.#already(ask, existing, choice, approver);
    const now = clock();
    if (now >= ask.deadline) {
      const { resolution } = await this.finalize(ask, { outcome: 'timeout', at: now });
      if (resolution.outcome === 'timeout') {
        return {
          resolved: false,
          message: 'too late: nobody answered by the deadline, so the command was denied (silence is not consent)',
          outcome: Outcome.timeout,
          choice: undefined,
        };
      }
      return this.#already(ask, resolution, choice, approver);
    }
    if (!ask.choices.includes(choice)) {
      return {
        resolved: false,
        message: `'${choice}' is not offered for this request (offered: ${ask.choices.join(', ')})`,
        outcome: undefined,
        choice: undefined,
      };
    }
    const resolution: Resolution = {
      outcome: choice === 'deny' ? 'denied' : 'approved',
      choice,
      approver,
      ...(reason ? { reason } : {}),
      at: now,
    };
    // The once token must exist before anyone can read an "approved once" ending.
    if (choice === 'once') await state.putOnce(ask.id, this.#ttlMs);
    const { won, resolution: holding } = await this.finalize(ask, resolution);
    if (!won) return this.#already(ask, holding, choice, approver);
    if (choice === 'session' || choice === 'always') {
      await state.addSessionGrants(ask.sessionId, ask.epoch, ask.keys, ask.id);
    }
    if (choice === 'always' && ask.permanentKeys.length > 0) {
      const added = await this.#d.allowlist.add(ask.profile, ask.permanentKeys, {
        createdBy: approver,
        requestId: ask.id,
        at: now,
      });
      this.#d.audit.emit({
        kind: 'approval.allowlist.add',
        outcome: 'added',
        sessionId: ask.sessionId,
        actor: approver,
        attributes: { requestId: ask.id, profile: ask.profile, entries: [...ask.permanentKeys], added },
      });
    }
    if (choice !== 'deny') await state.resetSmartDenials(ask.sessionId, ask.epoch);
    this.#d.audit.emit({
      kind: 'approval.resolve',
      outcome: choice === 'deny' ? 'denied' : 'approved',
      sessionId: ask.sessionId,
      actor: approver,
      attributes: { requestId: ask.id, choice, reason: reason || '', command: ask.command },
    });
    return {
      resolved: true,
      message: choice === 'deny' ? 'denied' : `approved (${choice})`,
      outcome: outcomeOf(ask, resolution),
      choice,
    };
  }

  #already(ask: AskRecord, r: Resolution, choice: Choice, approver: string): ResolveResult {
    const outcome = outcomeOf(ask, r);
    // The same answer again (a retried call) is a success that changes nothing.
    const repeat = r.choice === choice && (r.approver ?? '') === approver;
    return {
      resolved: repeat,
      message: `already ended (${outcome}${r.choice ? `, ${r.choice}` : ''}); nothing changed`,
      outcome,
      choice: r.choice,
    };
  }

  /** Pending asks (optionally of one session), oldest first; asks past their deadline are timed out on the way. */
  async listPending(sessionId?: string): Promise<AskRecord[]> {
    const { state } = this.#d;
    const out: AskRecord[] = [];
    for (const id of await state.pendingIds()) {
      const ask = await state.getAsk(id);
      if (!ask) continue;
      if (sessionId && ask.sessionId !== sessionId) continue;
      const r = await this.current(ask);
      if (r) {
        await state.dropSlot(ask);
        continue;
      }
      out.push(ask);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Session reset: its pending asks end as deny (Hermes `clear_session` cancels gateway waits as deny). */
  async cancelSession(sessionId: string): Promise<number> {
    let n = 0;
    for (const ask of await this.listPending(sessionId)) {
      if ((await this.finalize(ask, { outcome: 'cancelled', at: this.#d.clock() })).won) n++;
    }
    return n;
  }

  /** One sweep: times out every pending ask past its deadline (audit events even when nobody waits). */
  async sweep(): Promise<void> {
    await this.listPending();
  }
}
