// External Tirith verdicts (issue #3 item 5; reference/tirith.md §1.1–§1.2, hermes-behaviour.md §13).
// Pure: maps an exit code + stdout of `tirith check --json` to a verdict, honouring fail-open exactly.

export const TirithAction = { allow: 'allow', warn: 'warn', block: 'block' } as const;
export type TirithAction = (typeof TirithAction)[keyof typeof TirithAction];

/** Same shape as `Finding` of @hermes/security (source `tirith`), kept structural so this file has no deps. */
export interface TirithFinding {
  readonly rule: string;
  readonly severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  readonly source: 'tirith';
  readonly title: string;
  readonly description: string;
  readonly evidence: string;
  readonly key: string;
  readonly safer?: string;
}

export interface TirithConfig {
  /** `security.tirith_enabled` (default true). */
  readonly enabled: boolean;
  /** `security.tirith_path` (default "tirith": looked up on PATH; an explicit path is authoritative). */
  readonly path: string;
  /** `security.tirith_timeout` in seconds (default 5). */
  readonly timeoutSeconds: number;
  /** `security.tirith_fail_open` (default true): crash/timeout/missing binary → allow when true, block when false. */
  readonly failOpen: boolean;
}

export const DEFAULT_TIRITH_CONFIG: TirithConfig = Object.freeze({
  enabled: true,
  path: 'tirith',
  timeoutSeconds: 5,
  failOpen: true,
});

export interface TirithVerdict {
  readonly action: TirithAction;
  readonly findings: readonly TirithFinding[];
  /** Set when Tirith did not give a verdict (crash, timeout, missing, usage error); the action then follows fail-open. */
  readonly failure?: string;
  /** Tirith was not consulted at all (disabled). */
  readonly skipped?: boolean;
}

const SEVERITIES = new Set(['info', 'low', 'medium', 'high', 'critical']);
const MAX_FINDINGS = 50; // Hermes keeps the first 50 (reference/tirith.md §2)

/** The verdict when Tirith could not answer: `tirith_fail_open` decides, with no circuit breaker overriding it. */
export function failureVerdict(reason: string, failOpen: boolean): TirithVerdict {
  return { action: failOpen ? 'allow' : 'block', findings: [], failure: reason };
}

function parseFindings(stdout: string): TirithFinding[] | null {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object') return null;
  const raw = (doc as { findings?: unknown }).findings;
  if (!Array.isArray(raw)) return [];
  const out: TirithFinding[] = [];
  for (const f of raw.slice(0, MAX_FINDINGS)) {
    if (!f || typeof f !== 'object') continue;
    const o = f as Record<string, unknown>;
    const rule = typeof o.rule_id === 'string' ? o.rule_id : 'unknown';
    const sev = typeof o.severity === 'string' ? o.severity.toLowerCase() : 'medium';
    const evidence = Array.isArray(o.evidence) ? JSON.stringify(o.evidence).slice(0, 160) : '';
    out.push({
      rule,
      severity: (SEVERITIES.has(sev) ? sev : 'medium') as TirithFinding['severity'],
      source: 'tirith',
      title: typeof o.title === 'string' ? o.title.slice(0, 200) : rule,
      description: typeof o.description === 'string' ? o.description.slice(0, 500) : '',
      evidence,
      key: `tirith:${rule}`,
      ...(typeof o.remediation === 'string' ? { safer: o.remediation.slice(0, 300) } : {}),
    });
  }
  return out;
}

/**
 * Exit code is the verdict (0 allow, 1 block, 2 warn); JSON only enriches it. Exit 2 with an `error` key is
 * a usage error, i.e. a failure (reference/tirith.md §1: "check for an error key before treating 2 as warn").
 * Anything else (other codes, signals) is a failure. Bad JSON keeps the exit-code verdict.
 */
export function interpretTirith(
  exitCode: number | null,
  signal: string | null,
  stdout: string,
  failOpen: boolean,
): TirithVerdict {
  if (signal !== null || exitCode === null)
    return failureVerdict(`tirith killed by ${signal ?? 'unknown signal'}`, failOpen);
  if (exitCode === 2 || exitCode === 1) {
    try {
      const doc = JSON.parse(stdout) as { error?: unknown };
      if (doc && typeof doc === 'object' && 'error' in doc && doc.error)
        return failureVerdict(`tirith error: ${String(doc.error).slice(0, 200)}`, failOpen);
    } catch {
      // not JSON: fall through to the exit-code verdict
    }
  }
  if (exitCode !== 0 && exitCode !== 1 && exitCode !== 2)
    return failureVerdict(`tirith exited with code ${exitCode}`, failOpen);
  const findings = parseFindings(stdout) ?? [];
  const action: TirithAction = exitCode === 0 ? 'allow' : exitCode === 1 ? 'block' : 'warn';
  // Hermes's local suppression: a warn made only of lookalike_tld findings about `.app` is an allow (§2).
  if (
    action === 'warn' &&
    findings.length > 0 &&
    findings.every((f) => f.rule === 'lookalike_tld' && /\.app\b/.test(`${f.description} ${f.evidence}`))
  ) {
    return { action: 'allow', findings };
  }
  return { action, findings };
}
