// The secure tool-call pipeline (issue #8 item 1; ARCHITECTURE "One message, end to end", step 3):
// caller identity → authz.Check → input sanitization → scanner.ScanCommand → approval.Evaluate →
// (ask: stream an approval event, wait; silence is deny) → executor.Run with the signed grant →
// redacted output → caller. Every hop is an RPC over the platform bus (NATS in distributed mode)
// carrying one trace id. The only way to an executor is the grant approval signed for exactly this
// session / argv / cwd / backend; there is no code path that calls Run without one.
import { createHash, randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { HermesConfig, TerminalBackend } from '@hermes/config';
import type { AuditSink } from '@hermes/platform';
import { approvalv1, authzv1, commonv1, executorv1, type gatewayv1, scannerv1 } from '@hermes/proto';
import { type Client, Code, createClient, RpcError, servicePrefix, type Transport } from '@hermes/rpc';
import type { Redactor } from '@hermes/security';
import { context as otelContext, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { NotAuthorizedError, RunNotFoundError } from '../errors.ts';
import { type GatewayMetrics, Stage } from '../gateway-metrics.ts';
import { type RunRecord, type RunRegistry, RunState } from './run-registry.ts';
import { backendToProto, type SanitizedRun, sanitizeRun } from './sanitize.ts';

export type RunEvent = MessageInitShape<typeof gatewayv1.RunCommandResponseSchema>;

/** Who is asking, as established by the listener (API key) or the operator plane (terminal user). */
export interface Caller {
  readonly platform: commonv1.Platform;
  /** The authz user id: the API key's name, or the OS user at the terminal. */
  readonly userId: string;
  /** API key id, when the caller used one. */
  readonly keyId?: string;
  /** Run ownership: `key:<id>` or `cli:<user>`. */
  readonly owner: string;
  /** No human will answer an ask: approvals.unattended_mode instead of a wait. */
  readonly unattended: boolean;
}

export interface RunRequest {
  /** Already namespaced by the caller's owner (cross-session isolation). */
  readonly sessionId: string;
  readonly command: string;
  readonly backend: TerminalBackend;
  readonly cwd: string;
  readonly timeoutSeconds: number;
  /** `hermes --yolo exec`: approvals off for this session (the floors still apply). */
  readonly yolo?: boolean;
}

export interface PipelineDeps {
  readonly transport: Transport;
  readonly config: HermesConfig;
  readonly redactor: Redactor;
  readonly audit: AuditSink;
  readonly metrics: GatewayMetrics;
  readonly registry: RunRegistry;
  readonly clock: () => number;
  readonly logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

const CHOICE_NAMES: Readonly<Record<number, string>> = {
  [approvalv1.Choice.ONCE]: 'once',
  [approvalv1.Choice.SESSION]: 'session',
  [approvalv1.Choice.ALWAYS]: 'always',
  [approvalv1.Choice.DENY]: 'deny',
};

const CHOICE_VALUES: Readonly<Record<string, approvalv1.Choice>> = {
  once: approvalv1.Choice.ONCE,
  session: approvalv1.Choice.SESSION,
  always: approvalv1.Choice.ALWAYS,
  deny: approvalv1.Choice.DENY,
};

/** "once" | "session" | "always" | "deny" → the approval enum; undefined for anything else. */
export function choiceFromName(name: string): approvalv1.Choice | undefined {
  return CHOICE_VALUES[name.trim().toLowerCase()];
}

function deniedReason(v: { outcome: approvalv1.Outcome; hardline: boolean }): string {
  if (v.hardline) return 'hardline';
  switch (v.outcome) {
    case approvalv1.Outcome.BLOCKED:
      return 'blocked';
    case approvalv1.Outcome.TIMEOUT:
      return 'timeout';
    case approvalv1.Outcome.UNATTENDED_DENIED:
      return 'unattended';
    case approvalv1.Outcome.SMART_DENIED:
      return 'smart_denied';
    case approvalv1.Outcome.CANCELLED:
      return 'cancelled';
    default:
      return 'denied';
  }
}

const tracer = trace.getTracer('@hermes/svc-gateway');
const SLACK_MS = 5_000;
/** How long a run waits for a free executor slot (workers at capacity) before failing. */
const CAPACITY_RETRY_MS = 10_000;

type Verdict = approvalv1.EvaluateResponse | approvalv1.AwaitResponse;

interface ActiveRun {
  readonly cancel: AbortController;
  record: RunRecord;
}

export class Pipeline {
  readonly #deps: PipelineDeps;
  readonly #authz: Client<typeof authzv1.AuthzService>;
  readonly #scanner: Client<typeof scannerv1.ScannerService>;
  readonly #approval: Client<typeof approvalv1.ApprovalService>;
  readonly #executors = new Map<string, Client<typeof executorv1.ExecutorService>>();
  readonly #active = new Map<string, ActiveRun>();

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
    this.#authz = createClient(authzv1.AuthzService, deps.transport);
    this.#scanner = createClient(scannerv1.ScannerService, deps.transport);
    this.#approval = createClient(approvalv1.ApprovalService, deps.transport);
  }

  get registry(): RunRegistry {
    return this.#deps.registry;
  }

  #executor(backend: TerminalBackend): Client<typeof executorv1.ExecutorService> {
    let c = this.#executors.get(backend);
    if (!c) {
      c = createClient(executorv1.ExecutorService, this.#deps.transport, {
        route: servicePrefix('executor', backend),
      });
      this.#executors.set(backend, c);
    }
    return c;
  }

  async #stage<T>(stage: Stage, fn: (span: Span) => Promise<T>): Promise<T> {
    const started = performance.now();
    return tracer.startActiveSpan(`gateway.${stage}`, async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw err;
      } finally {
        span.end();
        this.#deps.metrics.stage.observe({ stage }, (performance.now() - started) / 1000);
      }
    });
  }

  /**
   * Runs one command through every layer. Throws (before any event) when the caller is not
   * authorized or the input is invalid; otherwise yields `run_id` first and ends with exactly one
   * `exit_code` or `denied`.
   */
  async *run(caller: Caller, input: RunRequest, signal: AbortSignal): AsyncGenerator<RunEvent> {
    const { redactor, clock } = this.#deps;
    // 1. Caller identity → authz.Check (layer 1).
    const authzCall = this.#stage(Stage.authz, () =>
      this.#authz.check({ platform: caller.platform, userId: caller.userId, chatType: authzv1.ChatType.DM }),
    );
    // 2. Input sanitization (layer 7), local. An invalid request is reported only after authz has
    // answered, so an unauthorized caller still learns nothing but PERMISSION_DENIED.
    let req: SanitizedRun | undefined;
    let invalid: unknown;
    try {
      req = sanitizeRun(input);
    } catch (err) {
      invalid = err;
    }
    // 3. scanner.ScanCommand (built-in rules + the external tirith when configured), overlapping
    // the authz round trip: the scan is a pure analysis with no side effect (no audit event, no
    // state), its findings are only used once authz has allowed the caller, and it never sees a
    // command that failed sanitization. This saves one serial NATS round trip per run (issue #8
    // Performance: p50 < 10 ms at 8 callers).
    const sanitized = req;
    const scanCall = sanitized
      ? this.#stage(Stage.scan, () =>
          this.#scanner.scanCommand({
            command: sanitized.command,
            backend: backendToProto(sanitized.backend),
            sessionId: sanitized.sessionId,
          }),
        )
      : undefined;
    // Not awaited when authz refuses (or the caller leaves early): never an unhandled rejection.
    scanCall?.catch(() => {});
    const authz = await authzCall;
    if (!authz.allowed) {
      this.#audit(caller, input, 'unauthorized', {});
      this.#deps.metrics.runs.inc({ outcome: 'unauthorized' });
      throw new NotAuthorizedError((commonv1.Platform[caller.platform] ?? '?').toLowerCase());
    }
    if (!req || !scanCall) throw invalid;
    const runId = randomUUID();
    const cancel = new AbortController();
    const runSignal = AbortSignal.any([signal, cancel.signal]);
    const active: ActiveRun = {
      cancel,
      record: {
        runId,
        state: RunState.scanning,
        owner: caller.owner,
        sessionId: req.sessionId,
        command: redactor.redact(req.command),
        backend: req.backend,
        createdAt: clock(),
      },
    };
    this.#active.set(runId, active);
    const update = (patch: Partial<RunRecord>) => {
      active.record = { ...active.record, ...patch };
      this.#deps.registry.update(active.record);
    };
    update({});
    let finished = false;
    const finish = (state: RunState, patch: Partial<RunRecord>, outcome: string) => {
      finished = true;
      update({ state, finishedAt: clock(), ...patch });
      this.#deps.metrics.runs.inc({ outcome });
      this.#audit(caller, req, state, {
        runId,
        ...(patch.exitCode !== undefined ? { exitCode: patch.exitCode } : {}),
        ...(patch.deniedReason ? { deniedReason: patch.deniedReason } : {}),
      });
    };
    try {
      yield { event: { case: 'runId', value: runId } };
      if (req.sessionId && input.yolo) {
        await this.#approval.setSessionYolo({ sessionId: req.sessionId, enabled: true });
      }
      const scan = await scanCall;
      // 4. approval.Evaluate: hardline floor, patterns, mode, allowlists; ALLOW carries the grant.
      let verdict: Verdict = await this.#stage(Stage.evaluate, () =>
        this.#approval.evaluate({
          sessionId: req.sessionId,
          command: req.command,
          backend: backendToProto(req.backend),
          cwd: req.cwd,
          principal: {
            platform: caller.platform,
            userId: caller.userId,
            ...(caller.keyId ? { keyId: caller.keyId } : {}),
          },
          unattended: caller.unattended,
          findings: scan.findings,
        }),
      );
      // 5. Ask: tell the caller, then wait for the answer; the deadline denies (fail closed).
      if (verdict.decision === commonv1.Decision.ASK) {
        const ask = verdict;
        update({ state: RunState.awaitingApproval, approvalRequestId: ask.requestId });
        yield {
          event: {
            case: 'approval',
            value: {
              requestId: ask.requestId,
              findings: ask.findings,
              command: ask.redactedCommand,
              ...(ask.deadline ? { deadline: ask.deadline } : {}),
              choices: ask.choices.map((c) => CHOICE_NAMES[c] ?? '').filter((c) => c !== ''),
              description: ask.message,
            },
          },
        };
        const deadlineMs = ask.deadline
          ? Number(ask.deadline.seconds) * 1000 + Math.floor(ask.deadline.nanos / 1e6)
          : clock() + this.#deps.config.approvals.timeout * 1000;
        verdict = await this.#stage(Stage.await, () =>
          this.#approval.await(
            { requestId: ask.requestId, sessionId: req.sessionId },
            { timeoutMs: Math.max(1, deadlineMs - clock()) + SLACK_MS, signal: runSignal },
          ),
        );
      }
      if (verdict.decision !== commonv1.Decision.ALLOW || verdict.grant.length === 0) {
        const reason = verdict.decision === commonv1.Decision.ALLOW ? 'denied' : deniedReason(verdict);
        finish(RunState.denied, { deniedReason: reason }, `denied_${reason}`);
        yield {
          event: { case: 'denied', value: { reason, message: verdict.message, findings: verdict.findings } },
        };
        return;
      }
      if (verdict.findings.length > 0) {
        yield { event: { case: 'findings', value: { findings: verdict.findings } } };
      }
      // 6. executor.Run with the signed grant on the configured backend; output arrives redacted.
      update({ state: RunState.running });
      const span = tracer.startSpan(`gateway.${Stage.execute}`);
      const started = performance.now();
      try {
        const stream = await this.#startRun(span, runSignal, {
          grant: verdict.grant,
          sessionId: req.sessionId,
          script: req.command,
          cwd: req.cwd,
          backend: req.backend,
          timeoutSeconds: req.timeoutSeconds,
        });
        for await (const ev of stream) {
          switch (ev.event.case) {
            case 'runId':
              update({ executorRunId: ev.event.value });
              break;
            case 'output': {
              const chunk = ev.event.value;
              yield chunk.stream === executorv1.Stream.STDERR
                ? { event: { case: 'stderr', value: chunk.data } }
                : { event: { case: 'stdout', value: chunk.data } };
              break;
            }
            case 'result': {
              const r = ev.event.value;
              if (r.cancelled) finish(RunState.cancelled, { exitCode: r.exitCode }, 'cancelled');
              else finish(RunState.exited, { exitCode: r.exitCode }, 'exited');
              yield { event: { case: 'exitCode', value: r.exitCode } };
              return;
            }
            default:
              break;
          }
        }
      } finally {
        span.end();
        this.#deps.metrics.stage.observe({ stage: Stage.execute }, (performance.now() - started) / 1000);
      }
    } finally {
      this.#active.delete(runId);
      if (!finished) {
        const cancelled = cancel.signal.aborted || signal.aborted;
        // An unanswered ask of a caller that went away ends as deny now rather than at its deadline.
        if (active.record.state === RunState.awaitingApproval && active.record.approvalRequestId) {
          this.#approval
            .resolve({
              requestId: active.record.approvalRequestId,
              choice: approvalv1.Choice.DENY,
              reason: 'caller gone',
            })
            .catch(() => {});
        }
        finish(cancelled ? RunState.cancelled : RunState.failed, {}, cancelled ? 'cancelled' : 'failed');
      }
    }
  }

  /**
   * Opens executor.Run and waits for its first event. A worker at capacity answers
   * RESOURCE_EXHAUSTED before it looks at the grant (the nonce is not spent), so that one answer is
   * retried with jittered backoff until the budget runs out; nothing that could have started a
   * command is ever retried (at most once).
   */
  async #startRun(
    span: Span,
    signal: AbortSignal,
    r: {
      grant: Uint8Array;
      sessionId: string;
      script: string;
      cwd: string;
      backend: TerminalBackend;
      timeoutSeconds: number;
    },
  ): Promise<AsyncIterable<executorv1.RunResponse>> {
    const giveUpAt = Date.now() + CAPACITY_RETRY_MS;
    for (let attempt = 0; ; attempt++) {
      const it = otelContext
        .with(trace.setSpan(otelContext.active(), span), () =>
          this.#executor(r.backend).run(
            {
              grant: r.grant,
              sessionId: r.sessionId,
              script: r.script,
              cwd: r.cwd,
              backend: backendToProto(r.backend),
              ...(r.timeoutSeconds > 0 ? { timeout: { seconds: BigInt(r.timeoutSeconds), nanos: 0 } } : {}),
            },
            { signal, timeoutMs: (r.timeoutSeconds || 180) * 1000 + SLACK_MS },
          ),
        )
        [Symbol.asyncIterator]();
      try {
        const first = await it.next();
        return (async function* () {
          if (first.done) return;
          yield first.value;
          yield* { [Symbol.asyncIterator]: () => it };
        })();
      } catch (err) {
        const busy = err instanceof RpcError && err.code === Code.RESOURCE_EXHAUSTED;
        if (!busy || Date.now() >= giveUpAt || signal.aborted) throw err;
        const backoff = Math.min(50, 2 ** attempt) * (0.5 + Math.random());
        await new Promise((res) => setTimeout(res, backoff));
      }
    }
  }

  /** Answers an ask on behalf of a human. */
  async resolve(requestId: string, choice: approvalv1.Choice, approver: string, reason: string) {
    return this.#approval.resolve({ requestId, choice, approver, reason });
  }

  /** The run, if `owner` may see it (undefined owner: an operator, any run). */
  async get(runId: string, owner: string | undefined): Promise<RunRecord> {
    const rec = this.#active.get(runId)?.record ?? (await this.#deps.registry.get(runId));
    if (!rec || (owner !== undefined && rec.owner !== owner)) throw new RunNotFoundError(runId);
    return rec;
  }

  /** Cancels a run held by this replica, or asks the backend's executors to kill it. */
  async cancel(runId: string, owner: string | undefined): Promise<boolean> {
    const rec = await this.get(runId, owner);
    const local = this.#active.get(runId);
    if (local) {
      local.cancel.abort();
      if (local.record.executorRunId) {
        await this.#executor(rec.backend as TerminalBackend)
          .cancel({ runId: local.record.executorRunId })
          .catch(() => {});
      }
      return true;
    }
    if (rec.state === RunState.awaitingApproval && rec.approvalRequestId) {
      const r = await this.#approval.resolve({
        requestId: rec.approvalRequestId,
        choice: approvalv1.Choice.DENY,
        reason: 'run cancelled',
      });
      return r.resolved;
    }
    if (rec.state === RunState.running && rec.executorRunId) {
      const r = await this.#executor(rec.backend as TerminalBackend).cancel({ runId: rec.executorRunId });
      return r.cancelled;
    }
    return false;
  }

  #audit(
    caller: Caller,
    req: { sessionId: string; command: string; backend: string },
    outcome: string,
    extra: Record<string, string | number>,
  ): void {
    // The command is stored redacted plus a hash (issue #8 item 4), so equal commands can be found
    // without the text ever carrying a secret.
    this.#deps.audit.emit({
      kind: 'gateway.run',
      outcome,
      sessionId: req.sessionId,
      actor: caller.owner,
      attributes: {
        command: this.#deps.redactor.redact(req.command),
        commandSha256: createHash('sha256').update(req.command, 'utf8').digest('hex'),
        backend: req.backend,
        platform: (commonv1.Platform[caller.platform] ?? '').toLowerCase(),
        ...extra,
      },
    });
  }
}
