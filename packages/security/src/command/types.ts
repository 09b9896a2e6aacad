// Closed sets and result shapes of the command-security core (HOUSE_STYLE: `as const` objects, no enums).

/** Tirith's severity ladder (reference/tirith.md §1.1): HIGH and CRITICAL block in Tirith, LOW/MEDIUM warn. */
export const Severity = { info: 'info', low: 'low', medium: 'medium', high: 'high', critical: 'critical' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Where a finding comes from; the approval service words its prompt by source. */
export const FindingSource = {
  pattern: 'pattern',
  tirith: 'tirith',
  hardline: 'hardline',
  analysis: 'analysis',
} as const;
export type FindingSource = (typeof FindingSource)[keyof typeof FindingSource];

export const Decision = { allow: 'allow', ask: 'ask', deny: 'deny' } as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** `approvals.mode` (hermes-behaviour.md §4). The seed's default is manual. */
export const ApprovalMode = { manual: 'manual', smart: 'smart', off: 'off' } as const;
export type ApprovalMode = (typeof ApprovalMode)[keyof typeof ApprovalMode];

/** Execution backends of the seed; `local` is the default. */
export const Backend = {
  local: 'local',
  ssh: 'ssh',
  docker: 'docker',
  singularity: 'singularity',
  modal: 'modal',
  daytona: 'daytona',
  vercelSandbox: 'vercel-sandbox',
} as const;
export type Backend = (typeof Backend)[keyof typeof Backend];

export interface Finding {
  /** Stable rule id (Tirith's ids for Tirith-style rules, ours for the rest). */
  readonly rule: string;
  readonly severity: Severity;
  readonly source: FindingSource;
  readonly title: string;
  readonly description: string;
  /** The offending text (argv word, URL, code point …), already cut to a short length. */
  readonly evidence: string;
  readonly safer?: string;
  /**
   * Key remembered by session grants: the pattern description for dangerous patterns (Hermes keeps the
   * description as key, §3.2) and `tirith:<rule_id>` for Tirith-style rules (§13).
   */
  readonly key: string;
  /** Unconditional floor below yolo / mode off (hardline list and the `sudo -S` guard, §2). */
  readonly floor?: boolean;
}

/** One simple command as bash would run it, after quote removal and launcher unwrapping. */
export interface SimpleCommand {
  /** Decoded argv after unwrapping launchers; argv[0] is the basename, lower-cased. */
  readonly argv: readonly string[];
  /** Per-argv flags: the word contained an expansion whose value is unknown statically. */
  readonly dynamic: readonly boolean[];
  /** Launchers peeled off, outermost first (`sudo`, `env`, …), with their own argv. */
  readonly wrappers: readonly (readonly string[])[];
  /** Path spelling of the command word as written (`/usr/bin/rm`). */
  readonly path: string;
  readonly assignments: readonly { readonly name: string; readonly value: string }[];
  readonly redirects: readonly Redirect[];
  /** Heredoc or here-string text fed to stdin, when statically present. */
  readonly stdinText?: string;
  /** Upstream pipeline stage(s) feeding stdin. */
  readonly pipedFrom: readonly SimpleCommand[];
  /** Nesting: 0 top level; grows through `$(…)`, `sh -c`, `eval`, heredocs fed to shells … */
  readonly depth: number;
  /** How this command was reached. */
  readonly origin: CommandOrigin;
  /** xargs supplies extra operands that cannot be seen statically. */
  readonly extraArgs: boolean;
}

export interface Redirect {
  readonly op: string;
  readonly fd: string;
  readonly target: string;
  /** Target as written (backslashes kept: `C:\\Users\\x\\.ssh\\…` is a Windows path). */
  readonly raw: string;
  readonly dynamic: boolean;
}

export const CommandOrigin = {
  top: 'top',
  substitution: 'substitution',
  shellC: 'shell-c',
  eval: 'eval',
  heredoc: 'heredoc',
  xargs: 'xargs',
  findExec: 'find-exec',
  remote: 'remote',
  inline: 'inline',
  /** Text written to a file or queued to run later (`echo 'x' > run.sh`, `hermes cron create … 'x'`). */
  stored: 'stored',
} as const;
export type CommandOrigin = (typeof CommandOrigin)[keyof typeof CommandOrigin];

export interface CommandAnalysis {
  readonly commands: readonly SimpleCommand[];
  readonly findings: readonly Finding[];
}

export interface Evaluation {
  readonly decision: Decision;
  readonly hardline: boolean;
  readonly findings: readonly Finding[];
  /** Human text for the agent / approver (hardline message tells the agent it cannot run via the agent). */
  readonly message: string;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}
