// The approval service's view of the configuration, read once at start (HOUSE_STYLE rule 8). YOLO is
// `yolo_mode` (HERMES_YOLO_MODE / --yolo) frozen here: nothing a tool's shell exports later can flip it
// (Hermes PR #4168: the env var used to be read per call).
import type { HermesConfig } from '@hermes/config';
import type { ApprovalMode, Backend } from '@hermes/security';

export interface SmartSettings {
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
}

export interface ApprovalSettings {
  readonly mode: ApprovalMode;
  /** `approvals.timeout`: seed default 60 s; no answer by then = deny. */
  readonly timeoutMs: number;
  readonly unattendedMode: 'deny' | 'approve';
  /** `approvals.deny` globs: deny always, YOLO and containers included. */
  readonly deny: readonly string[];
  /** `command_allowlist` from config.yaml (read-only here; "always" answers go to Postgres). */
  readonly commandAllowlist: readonly string[];
  readonly yolo: boolean;
  /** `terminal.backend`, used when a request names none. */
  readonly defaultBackend: Backend;
  /** Unset when smart mode has no endpoint: every flagged command then goes to a human. */
  readonly smart: SmartSettings | undefined;
  /** Consecutive guardian DENYs in a session before the circuit-breaker text (Hermes default 3, §5.1). */
  readonly breakerThreshold: number;
}

export function approvalSettings(config: HermesConfig): ApprovalSettings {
  const a = config.approvals;
  const s = a.smart;
  return Object.freeze({
    mode: a.mode,
    timeoutMs: Math.round(a.timeout * 1000),
    unattendedMode: a.unattended_mode,
    deny: Object.freeze([...a.deny]),
    commandAllowlist: Object.freeze([...config.command_allowlist]),
    yolo: config.yolo_mode,
    defaultBackend: config.terminal.backend,
    smart:
      s.base_url !== undefined && s.model !== undefined
        ? { baseUrl: s.base_url, model: s.model, apiKey: s.api_key, timeoutMs: Math.round(s.timeout * 1000) }
        : undefined,
    breakerThreshold: 3,
  });
}
