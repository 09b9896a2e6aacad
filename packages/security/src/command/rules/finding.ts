// Finding constructors: one place decides keys and sources (hermes-behaviour.md §3.2 keys = descriptions;
// §13 Tirith keys = `tirith:<rule_id>`).
import type { Finding, Severity, SimpleCommand } from '../types.ts';

const EVIDENCE_CHARS = 160;

/** The first 160 characters of the argv, without joining a huge argv first (it runs on every finding). */
export function show(cmd: SimpleCommand): string {
  let out = '';
  for (const word of cmd.argv) {
    out += out.length === 0 ? word : ` ${word}`;
    if (out.length >= EVIDENCE_CHARS) break;
  }
  return out.slice(0, EVIDENCE_CHARS);
}

export function hardline(rule: string, description: string, evidence: string): Finding {
  return {
    rule,
    severity: 'critical',
    source: 'hardline',
    title: 'Hardline: never run via the agent',
    description,
    evidence: evidence.slice(0, 160),
    key: description,
    floor: true,
  };
}

export function pattern(
  rule: string,
  description: string,
  severity: Severity,
  evidence: string,
  safer?: string,
): Finding {
  return {
    rule,
    severity,
    source: 'pattern',
    title: description,
    description,
    evidence: evidence.slice(0, 160),
    key: description,
    ...(safer ? { safer } : {}),
  };
}

export function tirith(
  rule: string,
  severity: Severity,
  title: string,
  description: string,
  evidence: string,
  safer?: string,
): Finding {
  return {
    rule,
    severity,
    source: 'tirith',
    title,
    description,
    evidence: evidence.slice(0, 160),
    key: `tirith:${rule}`,
    ...(safer ? { safer } : {}),
  };
}

/** Positional operands: words not starting with `-` (until `--`, after which all are operands). */
export function operands(argv: readonly string[], from = 1): string[] {
  const out: string[] = [];
  let dd = false;
  for (let i = from; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!dd && a === '--') {
      dd = true;
      continue;
    }
    if (!dd && a.length > 1 && a[0] === '-') continue;
    out.push(a);
  }
  return out;
}

/** Short-flag letters present (bundles split: `-rf` → r,f) and long flags, up to `--`. */
export function flagSet(argv: readonly string[], from = 1): { short: Set<string>; long: Set<string> } {
  const short = new Set<string>();
  const long = new Set<string>();
  for (let i = from; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') break;
    if (a.startsWith('--')) long.add(a.slice(2).split('=')[0] as string);
    else if (a.length > 1 && a[0] === '-') for (const ch of a.slice(1)) short.add(ch);
  }
  return { short, long };
}
