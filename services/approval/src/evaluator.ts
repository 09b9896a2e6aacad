// ApprovalService.Evaluate: the decision order of issue #6 item 1.
//   1. hardline floor (and the 1 MiB input cap), then the user's `approvals.deny` globs — deny, always,
//      YOLO and containers included (Hermes fixed deny being skipped in docker, #91002);
//   2. container backends without host mounts skip the dangerous-pattern tier (seed: "the container
//      itself is the security boundary"); `local` and `ssh` never skip; then the `sudo -S` floor;
//   3. YOLO (`yolo_mode` frozen at start, `/yolo` per session) or `approvals.mode: off` → allow;
//   4. the permanent allowlist (config + Postgres) and this session's grants;
//   5. findings (patterns, Tirith-style rules, the scanner's extra findings, analysis_incomplete);
//   6. unattended contexts follow `approvals.unattended_mode` instead of waiting for nobody;
//      `smart` asks the guardian LLM first; `manual` asks a human.
// The pure core (`evaluateCommand`) supplies findings and the floors; this file adds what needs state.
import { createHash, randomUUID } from 'node:crypto';
import type { AuditSink } from '@hermes/platform';
import {
  analyzeCommand,
  argvHash,
  type Backend,
  type Evaluation,
  evaluateCommand,
  type Finding,
  isIsolatedBackend,
  severityRank,
  shellArgv,
} from '@hermes/security';
import type { AskManager } from './asks.ts';
import { globMatch, isGlob } from './domain/glob.ts';
import {
  askMessage,
  circuitBreakerMessage,
  denyRuleMessage,
  describeFindings,
  smartDeniedAskNote,
  unattendedMessage,
} from './domain/messages.ts';
import { isSimpleCommand } from './domain/simple-command.ts';
import { type AskRecord, type Choice, Outcome, type Verdict } from './domain/types.ts';
import { InvalidApprovalRequestError } from './errors.ts';
import type { GrantIssuer } from './grant-issuer.ts';
import type { AllowlistStore } from './ports/allowlist-store.ts';
import type { ApprovalSettings } from './settings.ts';
import type { SmartReviewer } from './smart/smart-reviewer.ts';
import { type ApprovalState, ASK_RETENTION_MS } from './state/approval-state.ts';

export interface EvaluateInput {
  readonly sessionId: string;
  readonly command: string;
  readonly backend?: Backend | undefined;
  readonly cwd: string;
  readonly unattended: boolean;
  /** Extra findings from the scanner (external tirith …): they can add asks, never remove them. */
  readonly extraFindings: readonly Finding[];
  readonly profile: string;
  readonly hostAccess: boolean;
  readonly principal?: string;
  /** Decide without side effects: no ask stored, no grant signed, no guardian call (`hermes approvals test`). */
  readonly dryRun?: boolean;
}

export interface EvaluatorDeps {
  readonly settings: ApprovalSettings;
  readonly state: ApprovalState;
  readonly allowlist: AllowlistStore;
  readonly grants: GrantIssuer;
  readonly asks: AskManager;
  readonly audit: AuditSink;
  readonly redact: (text: string) => string;
  readonly clock: () => number;
  readonly reviewer: SmartReviewer | undefined;
  readonly logger: { warn(obj: object, msg: string): void };
}

const MAX_SESSION_ID = 256;

function uniq(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** Every spelling a deny glob is tried against: the text, and each simple command with and without its launchers. */
function denyCandidates(command: string): string[] {
  const out = [command.trim()];
  try {
    for (const c of analyzeCommand(command).commands) {
      const base = (w: readonly string[]) => (w.length ? [(w[0] ?? '').split('/').pop() ?? '', ...w.slice(1)] : []);
      out.push(c.argv.join(' '));
      for (let i = 0; i < c.wrappers.length; i++) {
        out.push([...c.wrappers.slice(i).flatMap((w) => base(w)), ...c.argv].join(' '));
      }
    }
  } catch {
    // Unparsable or oversized: the text itself was tried; the floors deny oversized input anyway.
  }
  return out;
}

/** A command-text allowlist entry covers a command only when the command is simple (issue #6 item 3). */
export function commandAllowlisted(command: string, entries: readonly string[]): boolean {
  const text = command.trim();
  if (!isSimpleCommand(text)) return false;
  return entries.some((e) => e === text || (isGlob(e) && globMatch(e, text)));
}

export class Evaluator {
  readonly #d: EvaluatorDeps;

  constructor(deps: EvaluatorDeps) {
    this.#d = deps;
  }

  async evaluate(input: EvaluateInput, signal?: AbortSignal): Promise<Verdict> {
    if (!input.sessionId || input.sessionId.length > MAX_SESSION_ID) {
      throw new InvalidApprovalRequestError('session_id', `session_id must be 1..${MAX_SESSION_ID} characters`);
    }
    if (input.command.trim().length === 0) throw new InvalidApprovalRequestError('command', 'command is empty');
    const t0 = performance.now();
    const v = await this.#decide(input, signal);
    this.#d.audit.emit({
      kind: 'approval.evaluate',
      outcome: v.decision,
      sessionId: input.sessionId,
      ...(input.principal ? { actor: input.principal } : {}),
      attributes: {
        outcome: v.outcome,
        command: v.redactedCommand,
        backend: input.backend ?? this.#d.settings.defaultBackend,
        rules: v.findings.map((f) => f.rule),
        requestId: v.requestId ?? '',
        approvalId: v.approvalId ?? '',
        hardline: v.hardline,
        ms: Math.round((performance.now() - t0) * 1000) / 1000,
        dryRun: input.dryRun === true,
      },
    });
    return v;
  }

  async #decide(input: EvaluateInput, signal?: AbortSignal): Promise<Verdict> {
    const { settings, state } = this.#d;
    const backend = input.backend ?? settings.defaultBackend;
    const redactedCommand = this.#d.redact(input.command);
    const e: Evaluation = evaluateCommand({ command: input.command, backend, hostAccess: input.hostAccess });
    // Findings quote the command (evidence, and descriptions naming URLs): redact every text field.
    const red = this.#d.redact;
    const findings = mergeFindings(e.findings, input.extraFindings).map((f) => ({
      ...f,
      title: red(f.title),
      description: red(f.description),
      evidence: red(f.evidence),
      ...(f.safer ? { safer: red(f.safer) } : {}),
    }));
    const hash = argvHash(shellArgv(input.command));
    const base = { hardline: false, findings, redactedCommand };
    const deny = (outcome: Outcome, message: string, hardline = false): Verdict => ({
      ...base,
      hardline,
      decision: 'deny',
      outcome,
      message: red(message),
    });
    const allow = async (outcome: Outcome, message: string): Promise<Verdict> => {
      if (input.dryRun) return { ...base, decision: 'allow', outcome, message };
      const g = await this.#d.grants.issue({ sessionId: input.sessionId, argvHash: hash, cwd: input.cwd, backend });
      this.#d.audit.emit({
        kind: 'approval.grant',
        outcome: 'issued',
        sessionId: input.sessionId,
        attributes: { approvalId: g.approvalId, expiresAt: g.expiresAt, backend, via: outcome },
      });
      return {
        ...base,
        decision: 'allow',
        outcome,
        message,
        grant: g.token,
        approvalId: g.approvalId,
        grantExpiresAt: g.expiresAt,
      };
    };

    // 1. Floors: hardline (ours or the scanner's), the input cap, then the user's deny globs.
    const extraHard = findings.filter((f) => f.source === 'hardline');
    if (e.hardline || extraHard.length > 0) {
      return deny(Outcome.blocked, e.hardline ? e.message : `BLOCKED (hardline): ${describeFindings(extraHard)}`, true);
    }
    if (e.decision === 'deny' && e.findings.some((f) => f.rule === 'input_too_large')) {
      return deny(Outcome.blocked, e.message);
    }
    if (settings.deny.length > 0) {
      const candidates = denyCandidates(input.command);
      const rule = settings.deny.find((g) => candidates.some((c) => globMatch(g, c)));
      if (rule) return deny(Outcome.blocked, denyRuleMessage(rule));
    }
    // 2. Containers without host mounts are the boundary; then the sudo -S floor.
    if (isIsolatedBackend(backend, input.hostAccess)) return allow(Outcome.allowed, e.message);
    if (e.decision === 'deny') return deny(Outcome.blocked, e.message);
    const actionable = findings.filter((f) => f.source !== 'hardline' && severityRank(f.severity) >= 1);
    if (actionable.length === 0) return allow(Outcome.allowed, 'allowed');
    // 3. YOLO and mode off (floors above still applied).
    if (settings.yolo || settings.mode === 'off') return allow(Outcome.allowed, 'allowed: approvals are off (yolo)');
    const epoch = await state.sessionEpoch(input.sessionId);
    if (await state.isYolo(input.sessionId, epoch)) {
      return allow(Outcome.allowed, 'allowed: approvals are off for this session (/yolo)');
    }
    // 4. Permanent allowlist and session grants.
    const stored = await this.#d.allowlist.list(input.profile, signal);
    const entries = [...settings.commandAllowlist, ...stored.map((r) => r.entry)];
    if (commandAllowlisted(input.command, entries)) return allow(Outcome.allowed, 'allowed: on the command allowlist');
    const permanent = new Set(entries);
    const uncovered: Finding[] = [];
    for (const f of actionable) {
      if (permanent.has(f.key)) continue;
      if (await state.hasSessionGrant(input.sessionId, epoch, f.key)) continue;
      uncovered.push(f);
    }
    if (uncovered.length === 0) return allow(Outcome.allowed, 'allowed: approved for this session or on the allowlist');
    const description = describeFindings(uncovered);
    // 6. Nobody to ask: unattended_mode decides, now (seed: "The default action for unattended execution is deny").
    if (input.unattended) {
      return settings.unattendedMode === 'approve'
        ? allow(Outcome.allowed, 'allowed: approvals.unattended_mode is approve')
        : deny(Outcome.unattendedDenied, unattendedMessage(description));
    }
    const coalesceKey = `${encodeURIComponent(input.sessionId)}:${epoch}:${createHash('sha256')
      .update(`${hash}\u0000${input.cwd}\u0000${backend}\u0000${input.profile}`)
      .digest('base64url')}`;
    const joined = await this.#joinPending(coalesceKey, base);
    if (joined) return joined;
    let smartDenied = false;
    let note: string | undefined;
    if (input.dryRun) {
      const pending: Verdict = {
        ...base,
        decision: 'ask',
        outcome: Outcome.pending,
        message: askMessage(
          description,
          Math.round(settings.timeoutMs / 1000),
          settings.mode === 'smart' ? 'In smart mode the guardian LLM is consulted first.' : undefined,
        ),
      };
      return pending;
    }
    if (settings.mode === 'smart') {
      const review = await this.#review(redactedCommand, description, signal);
      this.#d.audit.emit({
        kind: 'approval.smart',
        outcome: review.verdict,
        sessionId: input.sessionId,
        attributes: { command: redactedCommand, detail: review.detail },
      });
      if (review.verdict === 'approve') {
        // APPROVE runs this command only: nothing is persisted, no session grant (§5.1).
        await state.resetSmartDenials(input.sessionId, epoch);
        return allow(Outcome.smartApproved, 'approved by smart review (this command only)');
      }
      if (review.verdict === 'deny') {
        smartDenied = true;
        const n = await state.incrSmartDenials(input.sessionId, epoch);
        note = smartDeniedAskNote();
        if (n >= settings.breakerThreshold) note = `${note} ${circuitBreakerMessage(n)}`;
      } else {
        note = `Smart review escalated to the user (${review.detail}).`;
      }
    }
    return this.#ask({ input, epoch, backend, hash, uncovered, description, smartDenied, note, coalesceKey, base });
  }

  async #review(command: string, description: string, signal?: AbortSignal) {
    const reviewer = this.#d.reviewer;
    if (!reviewer) return { verdict: 'escalate' as const, detail: 'smart review is not configured' };
    try {
      return await reviewer.review({ command, description }, signal);
    } catch (err) {
      // An outage is an error that goes to the human, never a silent allow or deny (issue #6 item 4).
      this.#d.logger.warn({ err }, 'smart review failed; asking the user');
      return { verdict: 'escalate' as const, detail: err instanceof Error ? err.message : 'smart review failed' };
    }
  }

  async #joinPending(coalesceKey: string, base: Pick<Verdict, 'findings'>): Promise<Verdict | undefined> {
    const { state } = this.#d;
    const id = await state.store.get(`approval:co:${coalesceKey}`);
    if (!id) return undefined;
    const ask = await state.getAsk(id);
    if (!ask || (await this.#d.asks.current(ask))) return undefined;
    return this.#pendingVerdict(ask, base.findings, true);
  }

  #pendingVerdict(ask: AskRecord, findings: readonly Finding[], coalesced: boolean, note?: string): Verdict {
    return {
      decision: 'ask',
      outcome: Outcome.pending,
      hardline: false,
      findings,
      redactedCommand: ask.command,
      message: askMessage(ask.description, Math.round(this.#d.settings.timeoutMs / 1000), note),
      requestId: ask.id,
      deadline: ask.deadline,
      choices: ask.choices,
      coalesced,
    };
  }

  async #ask(a: {
    input: EvaluateInput;
    epoch: number;
    backend: Backend;
    hash: string;
    uncovered: readonly Finding[];
    description: string;
    smartDenied: boolean;
    note: string | undefined;
    coalesceKey: string;
    base: { findings: readonly Finding[]; redactedCommand: string };
  }): Promise<Verdict> {
    const { settings, state, clock } = this.#d;
    const keys = uniq(a.uncovered.map((f) => f.key));
    // "always" persists dangerous-pattern keys only; Tirith (and analysis) keys are session-max, so a
    // Tirith-only ask offers no "always" (hermes-behaviour.md §5).
    const permanentKeys = uniq(a.uncovered.filter((f) => f.source === 'pattern').map((f) => f.key));
    const choices: Choice[] = a.smartDenied
      ? ['once', 'deny']
      : permanentKeys.length > 0
        ? ['once', 'session', 'always', 'deny']
        : ['once', 'session', 'deny'];
    const now = clock();
    const id = randomUUID();
    const ttlMs = settings.timeoutMs + ASK_RETENTION_MS;
    let owner = await state.claimCoalesce(a.coalesceKey, id, settings.timeoutMs);
    if (owner !== undefined) {
      // Lost a race with an identical ask: join it while it is pending; a stale key is released once.
      const other = await state.getAsk(owner);
      if (other && !(await this.#d.asks.current(other))) return this.#pendingVerdict(other, a.base.findings, true);
      await state.releaseCoalesce(a.coalesceKey, owner);
      owner = await state.claimCoalesce(a.coalesceKey, id, settings.timeoutMs);
    }
    const record: AskRecord = {
      id,
      sessionId: a.input.sessionId,
      epoch: a.epoch,
      profile: a.input.profile,
      command: a.base.redactedCommand,
      argvHash: a.hash,
      cwd: a.input.cwd,
      backend: a.backend,
      findings: a.base.findings,
      keys,
      permanentKeys,
      choices,
      description: a.description,
      createdAt: now,
      deadline: now + settings.timeoutMs,
      smartDenied: a.smartDenied,
      coalesceKey: owner === undefined ? a.coalesceKey : `${a.coalesceKey}:${id}`,
    };
    const ask = await state.createAsk(record, ttlMs);
    this.#d.audit.emit({
      kind: 'approval.ask',
      outcome: 'pending',
      sessionId: ask.sessionId,
      attributes: {
        requestId: ask.id,
        command: ask.command,
        description: ask.description,
        choices: [...choices],
        deadline: ask.deadline,
        smartDenied: ask.smartDenied,
      },
    });
    return this.#pendingVerdict(ask, a.base.findings, false, a.note);
  }
}

/** Our findings plus the scanner's, without duplicates (same rule and key). */
function mergeFindings(own: readonly Finding[], extra: readonly Finding[]): Finding[] {
  const seen = new Set(own.map((f) => `${f.rule}\u0000${f.key}`));
  const out = [...own];
  for (const f of extra) {
    const k = `${f.rule}\u0000${f.key}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(f);
    }
  }
  return out;
}
