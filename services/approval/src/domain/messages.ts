// Texts the agent and the approver read. The denial wording follows Hermes (hermes-behaviour.md §5):
// a denial tells the agent not to retry or rephrase, relays the user's reason, and a timeout says
// "Silence is not consent" (issue #24912: timeout was once taken as consent).
import type { Finding } from '@hermes/security';

const DO_NOT_RETRY =
  'Do NOT retry this command, do NOT rephrase it, and do NOT attempt the same outcome via a different command.';

export function describeFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) =>
      f.source === 'tirith'
        ? `Security scan — [${f.severity.toUpperCase()}] ${f.title}: ${f.description}`
        : f.description,
    )
    .join('; ');
}

export function askMessage(description: string, timeoutSeconds: number, note?: string): string {
  return `DANGEROUS COMMAND: ${description}. Waiting up to ${timeoutSeconds} s for the user to approve; no answer means deny.${note ? ` ${note}` : ''}`;
}

export function deniedMessage(reason?: string): string {
  const why = reason?.trim() ? ` Reason given by the user: "${reason.trim()}".` : '';
  return `BLOCKED: User denied this command. The user has NOT consented to this action.${why} ${DO_NOT_RETRY} Stop the current workflow and ask the user how to proceed.`;
}

export function timeoutMessage(timeoutSeconds: number): string {
  return `BLOCKED: Command timed out without user response after ${timeoutSeconds} s. The user has NOT consented to this action. ${DO_NOT_RETRY} Silence is not consent.`;
}

export function cancelledMessage(): string {
  return `BLOCKED: The session was reset before the user answered. The user has NOT consented to this action. ${DO_NOT_RETRY}`;
}

export function denyRuleMessage(glob: string): string {
  return `BLOCKED: this command matches the user's deny rule '${glob}' (approvals.deny). ${DO_NOT_RETRY}`;
}

export function unattendedMessage(description: string): string {
  return `BLOCKED: ${description} — but no human can approve it in this unattended context. ${DO_NOT_RETRY} To allow dangerous commands in unattended contexts, set approvals.unattended_mode: approve in config.yaml.`;
}

export function smartDeniedAskNote(): string {
  return 'Smart approval judged this command dangerous and denied it; the user may override it once.';
}

/** Hermes' denial circuit breaker (§5.1): after N consecutive guardian DENYs the agent must stop. */
export function circuitBreakerMessage(count: number): string {
  return `CIRCUIT BREAKER: ${count} consecutive commands were blocked by smart approval in this session. STOP attempting variations of this command; ask the user to run it manually or to approve it explicitly.`;
}

export function reviewedDeniedMessage(description: string): string {
  return `BLOCKED by smart approval: ${description}. ${DO_NOT_RETRY}`;
}
