// evaluateCommand: the decision order the approval service reuses (hermes-behaviour.md §1, §4, §6, §13):
//   1. hardline floor — every backend, every mode, yolo included (issue #3 item 2: "refused by every
//      setting"; Hermes "now" checks containers first, we keep the floor above them on purpose);
//   2. isolated container backends skip everything below (seed: "Container backends … skip dangerous
//      command checks entirely"; Hermes' container fast path also skips Tirith, §1 step 1);
//   3. the `sudo -S` floor (Hermes floors run before yolo/off, §1 step 2);
//   4. yolo / `approvals.mode: off` allow (Hermes bypass step 3 comes before findings, so Tirith findings
//      are not consulted either);
//   5. findings (dangerous patterns, Tirith-style rules, analysis_incomplete): any non-INFO finding needs
//      approval. Tirith block AND warn both become an approval prompt in Hermes (§13), never a silent
//      allow; smart mode also asks here (the guardian LLM is the approval service's job, §5.1).
import { analyzeCommand, MAX_COMMAND_LENGTH } from './analyze.ts';
import { CommandTooLargeError } from './errors.ts';
import { HARDLINE_MESSAGE } from './rules/hardline.ts';
import { type ApprovalMode, type Backend, type Evaluation, type Finding, severityRank } from './types.ts';

export interface EvaluateInput {
  readonly command: string;
  /** Default `manual` (the seed's default). */
  readonly mode?: ApprovalMode;
  /** Default `local`. */
  readonly backend?: Backend;
  readonly yolo?: boolean;
  /** Docker with host bind mounts is NOT isolated (Hermes `has_host_access`, §1 step 1). */
  readonly hostAccess?: boolean;
  readonly home?: string;
}

const ISOLATED: ReadonlySet<Backend> = new Set(['docker', 'singularity', 'modal', 'daytona', 'vercel-sandbox']);

export function isIsolatedBackend(backend: Backend, hostAccess = false): boolean {
  if (backend === 'docker') return !hostAccess;
  return ISOLATED.has(backend);
}

function describe(fs: readonly Finding[]): string {
  return fs
    .map((f) => (f.source === 'tirith' ? `[${f.severity.toUpperCase()}] ${f.title}: ${f.description}` : f.description))
    .join('; ');
}

export function evaluateCommand(input: EvaluateInput): Evaluation {
  const mode = input.mode ?? 'manual';
  const backend = input.backend ?? 'local';
  let findings: readonly Finding[];
  try {
    findings = analyzeCommand(input.command, input.home ? { home: input.home } : {}).findings;
  } catch (e) {
    if (!(e instanceof CommandTooLargeError)) throw e;
    const f: Finding = {
      rule: 'input_too_large',
      severity: 'critical',
      source: 'analysis',
      title: 'Command too large to analyse',
      description: `command is ${e.length} characters; the limit is ${MAX_COMMAND_LENGTH} (1 MiB)`,
      evidence: input.command.slice(0, 80),
      key: 'input too large',
      floor: true,
    };
    return {
      decision: 'deny',
      hardline: false,
      findings: [f],
      message: `BLOCKED: ${f.description}. Write the script to a file and run the file instead.`,
    };
  }
  const hard = findings.filter((f) => f.source === 'hardline');
  if (hard.length > 0) {
    return {
      decision: 'deny',
      hardline: true,
      findings,
      message: `BLOCKED (hardline): ${describe(hard)}. ${HARDLINE_MESSAGE}`,
    };
  }
  if (isIsolatedBackend(backend, input.hostAccess)) {
    return {
      decision: 'allow',
      hardline: false,
      findings,
      message: `allowed: the ${backend} backend is the security boundary`,
    };
  }
  const floors = findings.filter((f) => f.floor);
  if (floors.length > 0) {
    return {
      decision: 'deny',
      hardline: false,
      findings,
      message: `BLOCKED: ${describe(floors)}. Do not retry or pipe passwords; ask the user to run it in their own terminal.`,
    };
  }
  if (input.yolo || mode === 'off')
    return { decision: 'allow', hardline: false, findings, message: 'allowed: approvals are off (yolo)' };
  const actionable = findings.filter((f) => severityRank(f.severity) >= severityRank('low'));
  if (actionable.length === 0) return { decision: 'allow', hardline: false, findings, message: 'allowed' };
  return { decision: 'ask', hardline: false, findings, message: `DANGEROUS COMMAND: ${describe(actionable)}` };
}
