// The approval service's behaviour behind its RPCs, free of protobuf: evaluation, asks, sessions,
// the allowlist and the grant keys. server.ts maps it to `hermes.approval.v1.ApprovalService`.
import type { AuditSink } from '@hermes/platform';
import type { TtlStore } from '@hermes/storage';
import { AskManager } from './asks.ts';
import type { AskRecord, Choice, Verdict } from './domain/types.ts';
import { type EvaluateInput, Evaluator } from './evaluator.ts';
import { GrantIssuer, type GrantKeyRing, type PublishedKey } from './grant-issuer.ts';
import type { AllowlistStore } from './ports/allowlist-store.ts';
import type { ApprovalSettings } from './settings.ts';
import type { SmartReviewer } from './smart/smart-reviewer.ts';
import { ApprovalState } from './state/approval-state.ts';

export interface ApprovalCoreDeps {
  readonly settings: ApprovalSettings;
  readonly store: TtlStore;
  readonly allowlist: AllowlistStore;
  readonly keys: GrantKeyRing;
  readonly audit: AuditSink;
  readonly redact: (text: string) => string;
  readonly clock: () => number;
  readonly reviewer?: SmartReviewer | undefined;
  readonly logger: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
  /** Waiters re-read shared state this often (ms). Default 100. */
  readonly pollMs?: number;
  /** The sweeper times out unanswered asks this often (ms). Default 1000; 0 disables it. */
  readonly sweepMs?: number;
}

export interface AllowlistView {
  readonly profile: string;
  readonly entry: string;
  readonly source: 'config' | 'database';
  readonly createdAt?: number;
  readonly createdBy?: string;
  readonly requestId?: string;
}

export const DEFAULT_PROFILE = 'default';

export class ApprovalCore {
  readonly state: ApprovalState;
  readonly asks: AskManager;
  readonly evaluator: Evaluator;
  readonly #d: ApprovalCoreDeps;
  #sweeper: NodeJS.Timeout | undefined;
  #sweeping = false;

  constructor(deps: ApprovalCoreDeps) {
    this.#d = deps;
    this.state = new ApprovalState(deps.store);
    const grants = new GrantIssuer(deps.keys.signer, this.state, deps.clock);
    this.asks = new AskManager({
      settings: deps.settings,
      state: this.state,
      allowlist: deps.allowlist,
      grants,
      audit: deps.audit,
      clock: deps.clock,
      logger: deps.logger,
      ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    });
    this.evaluator = new Evaluator({
      settings: deps.settings,
      state: this.state,
      allowlist: deps.allowlist,
      grants,
      asks: this.asks,
      audit: deps.audit,
      redact: deps.redact,
      clock: deps.clock,
      reviewer: deps.reviewer,
      logger: deps.logger,
    });
    const every = deps.sweepMs ?? 1_000;
    if (every > 0) {
      this.#sweeper = setInterval(() => void this.#sweep(), every);
      this.#sweeper.unref();
    }
  }

  async #sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      await this.asks.sweep();
    } catch (err) {
      this.#d.logger.warn({ err }, 'approval sweep failed; asks still time out when next touched');
    } finally {
      this.#sweeping = false;
    }
  }

  /** Evaluate; with `wait`, an ask is awaited within the caller's signal. */
  async evaluate(input: EvaluateInput, options: { wait: boolean; signal: AbortSignal }): Promise<Verdict> {
    const v = await this.evaluator.evaluate(input, options.signal);
    if (!options.wait || v.decision !== 'ask' || !v.requestId) return v;
    return this.asks.await(v.requestId, input.sessionId, options.signal);
  }

  await(requestId: string, sessionId: string, signal: AbortSignal): Promise<Verdict> {
    return this.asks.await(requestId, sessionId, signal);
  }

  resolve(requestId: string, choice: Choice, approver: string, reason: string) {
    return this.asks.resolve(requestId, choice, approver, reason);
  }

  listPending(sessionId?: string): Promise<AskRecord[]> {
    return this.asks.listPending(sessionId);
  }

  async setSessionYolo(sessionId: string, enabled: boolean): Promise<boolean> {
    const epoch = await this.state.sessionEpoch(sessionId);
    await this.state.setYolo(sessionId, epoch, enabled);
    this.#d.audit.emit({ kind: 'approval.session.yolo', outcome: enabled ? 'enabled' : 'disabled', sessionId });
    return enabled;
  }

  /** Forgets the session's grants, yolo and denial tally (epoch bump); its pending asks end as deny. */
  async resetSession(sessionId: string): Promise<number> {
    await this.state.bumpEpoch(sessionId);
    const cancelled = await this.asks.cancelSession(sessionId);
    this.#d.audit.emit({
      kind: 'approval.session.reset',
      outcome: 'reset',
      sessionId,
      attributes: { cancelledAsks: cancelled },
    });
    return cancelled;
  }

  async listAllowlist(profile: string): Promise<AllowlistView[]> {
    const fromConfig: AllowlistView[] = this.#d.settings.commandAllowlist.map((entry) => ({
      profile,
      entry,
      source: 'config',
    }));
    const stored = await this.#d.allowlist.list(profile);
    return [...fromConfig, ...stored.map((r) => ({ ...r, source: 'database' as const }))];
  }

  async removeAllowlist(profile: string, entry: string, actor: string): Promise<{ removed: boolean; message: string }> {
    const removed = await this.#d.allowlist.remove(profile, entry);
    if (removed) {
      this.#d.audit.emit({
        kind: 'approval.allowlist.remove',
        outcome: 'removed',
        ...(actor ? { actor } : {}),
        attributes: { profile, entry },
      });
      return { removed, message: 'removed' };
    }
    if (this.#d.settings.commandAllowlist.includes(entry)) {
      return {
        removed: false,
        message: 'this entry comes from command_allowlist in config.yaml; remove it there and restart',
      };
    }
    return { removed: false, message: `no such entry in profile '${profile}'` };
  }

  grantKeys(): readonly PublishedKey[] {
    return this.#d.keys.keys;
  }

  close(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}
