// How `hermes exec` shows a flagged command and asks (seed: "approve once, approve for the session,
// add to a permanent allowlist, or deny"): the command in full, each finding, then
// `[o]nce | [s]ession | [a]lways | [D]eny`. Enter, anything unrecognised, end of input and the
// deadline all mean deny (fail closed).
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { commonv1 } from '@hermes/proto';

const SEVERITY = ['?', 'INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export function formatFindings(findings: readonly commonv1.Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    const sev = SEVERITY[f.severity] ?? '?';
    lines.push(`  - [${sev}] ${f.rule}: ${f.title || f.description}`);
    if (f.description && f.title) lines.push(`      ${f.description}`);
    if (f.evidence) lines.push(`      matched: ${f.evidence}`);
    if (f.saferAlternative) lines.push(`      safer: ${f.saferAlternative}`);
  }
  return lines.join('\n');
}

const LABELS: Readonly<Record<string, string>> = {
  once: '[o]nce',
  session: '[s]ession',
  always: '[a]lways',
  deny: '[D]eny',
};

/** The prompt line for the offered choices; deny is always offered and is the default. */
export function promptLine(choices: readonly string[], secondsLeft: number): string {
  const offered = choices.filter((c) => c !== 'deny' && LABELS[c]);
  return `Allow? ${[...offered.map((c) => LABELS[c]), LABELS.deny].join(' | ')} (denied in ${secondsLeft}s): `;
}

/** Maps an answer to a choice; empty or unknown → deny. Only offered choices count. */
export function parseAnswer(answer: string, choices: readonly string[]): string {
  const a = answer.trim().toLowerCase();
  const pick =
    a === 'o' || a === 'once'
      ? 'once'
      : a === 's' || a === 'session'
        ? 'session'
        : a === 'a' || a === 'always'
          ? 'always'
          : 'deny';
  return pick === 'deny' || choices.includes(pick) ? pick : 'deny';
}

/** Asks once on `output`, reading one line from `input`; resolves 'deny' at `deadlineMs` or end of input. */
export function ask(
  input: Readable,
  output: Writable,
  choices: readonly string[],
  deadlineMs: number,
  now: () => number = Date.now,
): Promise<{ choice: string; timedOut: boolean }> {
  const left = Math.max(0, deadlineMs - now());
  output.write(promptLine(choices, Math.ceil(left / 1000)));
  return new Promise((resolve) => {
    const rl = createInterface({ input, terminal: false });
    let done = false;
    const finish = (choice: string, timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      rl.close();
      // Do not let a piped stdin keep the process alive after the one answer we read.
      input.pause();
      (input as { unref?: () => void }).unref?.();
      resolve({ choice, timedOut });
    };
    const timer = setTimeout(() => {
      output.write('\n');
      finish('deny', true);
    }, left);
    rl.once('line', (line) => finish(parseAnswer(line, choices), false));
    rl.once('close', () => finish('deny', false));
  });
}
