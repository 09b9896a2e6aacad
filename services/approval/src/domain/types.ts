// Closed sets and records of the approval service (HOUSE_STYLE: `as const` objects, no enums).
import type { Backend, Decision, Finding } from '@hermes/security';

/** An approver's answer (hermes-behaviour.md §5). */
export const Choice = { once: 'once', session: 'session', always: 'always', deny: 'deny' } as const;
export type Choice = (typeof Choice)[keyof typeof Choice];

/** How a decision came about; mirrors `hermes.approval.v1.Outcome`. */
export const Outcome = {
  allowed: 'allowed',
  approved: 'approved',
  smartApproved: 'smart_approved',
  pending: 'pending',
  denied: 'denied',
  timeout: 'timeout',
  blocked: 'blocked',
  unattendedDenied: 'unattended_denied',
  smartDenied: 'smart_denied',
  cancelled: 'cancelled',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** What Evaluate and Await answer. */
export interface Verdict {
  readonly decision: Decision;
  readonly outcome: Outcome;
  readonly message: string;
  readonly hardline: boolean;
  readonly findings: readonly Finding[];
  readonly redactedCommand: string;
  /** ASK: the pending request. */
  readonly requestId?: string;
  readonly deadline?: number;
  readonly choices?: readonly Choice[];
  readonly coalesced?: boolean;
  /** ALLOW: the signed grant and what it binds. */
  readonly grant?: string;
  readonly approvalId?: string;
  readonly grantExpiresAt?: number;
}

/** A pending ask as stored (Redis / memory). Holds no raw command: only the redacted text and the argv hash. */
export interface AskRecord {
  readonly id: string;
  readonly sessionId: string;
  /** Session epoch at creation; a reset bumps it, so session choices never outlive a reset. */
  readonly epoch: number;
  readonly profile: string;
  readonly command: string;
  readonly argvHash: string;
  readonly cwd: string;
  readonly backend: Backend;
  readonly findings: readonly Finding[];
  /** Keys of the findings that needed the ask (what a session choice approves). */
  readonly keys: readonly string[];
  /** Keys an "always" answer persists: dangerous-pattern keys only (Tirith keys are session-max, §5). */
  readonly permanentKeys: readonly string[];
  readonly choices: readonly Choice[];
  readonly description: string;
  readonly createdAt: number;
  readonly deadline: number;
  /** The guardian LLM said DENY: a human may override once (only once/deny offered, §5.1). */
  readonly smartDenied: boolean;
  /** Where identical concurrent asks of the session meet. */
  readonly coalesceKey: string;
  /** Its slot in the pending index (set when stored). */
  readonly slot?: number;
}

/** How an ask ended. Written once (set-if-absent): the first resolver, the deadline or a reset wins. */
export interface Resolution {
  readonly outcome: 'approved' | 'denied' | 'timeout' | 'cancelled';
  readonly choice?: Choice;
  readonly approver?: string;
  readonly reason?: string;
  readonly at: number;
}
