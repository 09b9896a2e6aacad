// Domain ↔ protobuf mapping for the approval service (one place, so handlers stay short).
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { approvalv1, commonv1 } from '@hermes/proto';
import type { Backend, Decision, Finding, FindingSource, Severity } from '@hermes/security';
import type { Choice, Outcome, Verdict } from './domain/types.ts';
import { InvalidApprovalRequestError } from './errors.ts';

const BACKEND_FROM: Record<number, Backend | undefined> = {
  [commonv1.Backend.UNSPECIFIED]: undefined,
  [commonv1.Backend.LOCAL]: 'local',
  [commonv1.Backend.DOCKER]: 'docker',
  [commonv1.Backend.SSH]: 'ssh',
  [commonv1.Backend.SINGULARITY]: 'singularity',
  [commonv1.Backend.MODAL]: 'modal',
  [commonv1.Backend.DAYTONA]: 'daytona',
  [commonv1.Backend.VERCEL_SANDBOX]: 'vercel-sandbox',
};

const BACKEND_TO: Record<Backend, commonv1.Backend> = {
  local: commonv1.Backend.LOCAL,
  docker: commonv1.Backend.DOCKER,
  ssh: commonv1.Backend.SSH,
  singularity: commonv1.Backend.SINGULARITY,
  modal: commonv1.Backend.MODAL,
  daytona: commonv1.Backend.DAYTONA,
  'vercel-sandbox': commonv1.Backend.VERCEL_SANDBOX,
};

/** UNSPECIFIED → undefined (the configured `terminal.backend` applies); an unknown number is refused. */
export function backendFromProto(b: commonv1.Backend): Backend | undefined {
  if (!(b in BACKEND_FROM)) throw new InvalidApprovalRequestError('backend', `unknown backend ${b}`);
  return BACKEND_FROM[b];
}

export function backendToProto(b: Backend): commonv1.Backend {
  return BACKEND_TO[b];
}

const DECISION_TO: Record<Decision, commonv1.Decision> = {
  allow: commonv1.Decision.ALLOW,
  ask: commonv1.Decision.ASK,
  deny: commonv1.Decision.DENY,
};

const SEVERITY_TO: Record<Severity, commonv1.Severity> = {
  info: commonv1.Severity.INFO,
  low: commonv1.Severity.LOW,
  medium: commonv1.Severity.MEDIUM,
  high: commonv1.Severity.HIGH,
  critical: commonv1.Severity.CRITICAL,
};
const SEVERITY_FROM: Record<number, Severity> = {
  [commonv1.Severity.UNSPECIFIED]: 'medium',
  [commonv1.Severity.INFO]: 'info',
  [commonv1.Severity.LOW]: 'low',
  [commonv1.Severity.MEDIUM]: 'medium',
  [commonv1.Severity.HIGH]: 'high',
  [commonv1.Severity.CRITICAL]: 'critical',
};

const SOURCE_TO: Record<FindingSource, commonv1.FindingSource> = {
  pattern: commonv1.FindingSource.PATTERN,
  tirith: commonv1.FindingSource.TIRITH,
  hardline: commonv1.FindingSource.HARDLINE,
  analysis: commonv1.FindingSource.ANALYSIS,
};
const SOURCE_FROM: Record<number, FindingSource> = {
  [commonv1.FindingSource.UNSPECIFIED]: 'analysis',
  [commonv1.FindingSource.PATTERN]: 'pattern',
  [commonv1.FindingSource.TIRITH]: 'tirith',
  [commonv1.FindingSource.EXTERNAL_TIRITH]: 'tirith',
  [commonv1.FindingSource.HARDLINE]: 'hardline',
  [commonv1.FindingSource.ANALYSIS]: 'analysis',
};

export function findingToProto(f: Finding): commonv1.Finding {
  return {
    $typeName: 'hermes.common.v1.Finding',
    rule: f.rule,
    severity: SEVERITY_TO[f.severity],
    source: SOURCE_TO[f.source],
    title: f.title,
    description: f.description,
    evidence: f.evidence,
    saferAlternative: f.safer ?? '',
    key: f.key,
  };
}

/** A scanner finding handed in by the caller. Unknown severities count as MEDIUM (they still ask). */
export function findingFromProto(f: commonv1.Finding): Finding {
  const source = SOURCE_FROM[f.source] ?? 'analysis';
  if (!f.rule) throw new InvalidApprovalRequestError('findings', 'a finding needs a rule');
  return {
    rule: f.rule,
    severity: SEVERITY_FROM[f.severity] ?? 'medium',
    source,
    title: f.title || f.rule,
    description: f.description || f.title || f.rule,
    evidence: f.evidence,
    ...(f.saferAlternative ? { safer: f.saferAlternative } : {}),
    key: f.key || (source === 'tirith' ? `tirith:${f.rule}` : f.rule),
  };
}

const CHOICE_TO: Record<Choice, approvalv1.Choice> = {
  once: approvalv1.Choice.ONCE,
  session: approvalv1.Choice.SESSION,
  always: approvalv1.Choice.ALWAYS,
  deny: approvalv1.Choice.DENY,
};
const CHOICE_FROM: Record<number, Choice> = {
  [approvalv1.Choice.ONCE]: 'once',
  [approvalv1.Choice.SESSION]: 'session',
  [approvalv1.Choice.ALWAYS]: 'always',
  [approvalv1.Choice.DENY]: 'deny',
};

export function choiceToProto(c: Choice): approvalv1.Choice {
  return CHOICE_TO[c];
}

export function choiceFromProto(c: approvalv1.Choice): Choice {
  const v = CHOICE_FROM[c];
  if (!v) throw new InvalidApprovalRequestError('choice', 'choice must be once, session, always or deny');
  return v;
}

const OUTCOME_TO: Record<Outcome, approvalv1.Outcome> = {
  allowed: approvalv1.Outcome.ALLOWED,
  approved: approvalv1.Outcome.APPROVED,
  smart_approved: approvalv1.Outcome.SMART_APPROVED,
  pending: approvalv1.Outcome.PENDING,
  denied: approvalv1.Outcome.DENIED,
  timeout: approvalv1.Outcome.TIMEOUT,
  blocked: approvalv1.Outcome.BLOCKED,
  unattended_denied: approvalv1.Outcome.UNATTENDED_DENIED,
  smart_denied: approvalv1.Outcome.SMART_DENIED,
  cancelled: approvalv1.Outcome.CANCELLED,
};

export function outcomeToProto(o: Outcome | undefined): approvalv1.Outcome {
  return o === undefined ? approvalv1.Outcome.UNSPECIFIED : OUTCOME_TO[o];
}

const utf8 = new TextEncoder();

/** Fields shared by EvaluateResponse and AwaitResponse. */
export function verdictToProto(v: Verdict) {
  return {
    decision: DECISION_TO[v.decision],
    requestId: v.requestId ?? '',
    message: v.message,
    hardline: v.hardline,
    findings: v.findings.map(findingToProto),
    grant: v.grant ? utf8.encode(v.grant) : new Uint8Array(),
    outcome: outcomeToProto(v.outcome),
    ...(v.deadline !== undefined ? { deadline: timestampFromMs(v.deadline) } : {}),
    choices: (v.choices ?? []).map(choiceToProto),
    approvalId: v.approvalId ?? '',
    ...(v.grantExpiresAt !== undefined ? { grantExpiresAt: timestampFromMs(v.grantExpiresAt) } : {}),
    redactedCommand: v.redactedCommand,
    coalesced: v.coalesced ?? false,
  };
}
