// analyzeCommand: raw-text scans + parse + per-command rules + cross-command rules. Synchronous after
// initShellParser; every matcher is linear (hand-written scanners, anchored regexes on tokenised argv).
import { Collector } from './collect.ts';
import { CommandTooLargeError } from './errors.ts';
import { normalizeCommand } from './normalize.ts';
import { deletionRules, diskRules, permissionRules, sensitiveWriteRules } from './rules/dangerous-fs.ts';
import { systemRules } from './rules/dangerous-system.ts';
import { operands, pattern, show, tirith } from './rules/finding.ts';
import { forkBombFinding, hardlineRules } from './rules/hardline.ts';
import { commandShapeRules } from './tirith/command-rules.ts';
import { execRules, readsProgramFromStdin } from './tirith/exec-rules.ts';
import { textScan } from './tirith/text-scan.ts';
import { extractUrls, transportRules, urlRules } from './tirith/url-rules.ts';
import { type CommandAnalysis, type Finding, type SimpleCommand, severityRank } from './types.ts';
import { commandBase } from './unwrap.ts';

/** Input cap of issue #3: 1 MiB. Larger input is refused without being parsed. */
export const MAX_COMMAND_LENGTH = 1024 * 1024;

export interface AnalyzeOptions {
  /** The user's home directory, folded to `~` in paths (hermes-behaviour.md §3.3). */
  readonly home?: string;
}

const METADATA_TEXT =
  /(?<![0-9.])(?:169\.254\.169\.254|100\.100\.100\.200)(?![0-9])|(?<![\w.-])metadata\.google\.internal(?![\w.-])|(?<![\w:])fd00:ec2::254(?![\w:])/i;
/** PowerShell download-and-run: `iex (iwr …)`, `iex(New-Object Net.WebClient).DownloadString(…)`. */
const PS_IEX_DOWNLOAD =
  /\b(?:iex|invoke-expression)\s*\(+\s*(?:iwr|irm|invoke-webrequest|invoke-restmethod|curl|wget|new-object\s+(?:system\.)?net\.webclient)\b/i;

/**
 * Structural budget checked before parsing (one linear pass). tree-sitter's cost grows with the number of
 * tokens (~0.5 µs each here), so inputs with more structure than a human-written command are refused
 * outright instead of parsed — Hermes's own parser floor blocks ≥ 25,000 separators (§2); ours is tighter
 * to keep every input under the 50 ms budget of issue #3.
 */
export const PARSER_LIMITS = { separators: 2000, quotes: 16384, nesting: 2000, tokens: 24000 } as const;

function overParserLimit(s: string): string | null {
  let seps = 0;
  let quotes = 0;
  let nest = 0;
  let tokens = 0;
  let prevSpace = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = c === 0x20 || c === 0x09;
    if (c === 0x7c || c === 0x3b || c === 0x26 || c === 0x0a) seps++;
    else if (c === 0x22 || c === 0x27) quotes++;
    else if (c === 0x28 || c === 0x7b || c === 0x60 || c === 0x5b) nest++;
    if (!space && prevSpace) tokens++;
    prevSpace = space;
  }
  if (seps > PARSER_LIMITS.separators) return `${seps} command separators (limit ${PARSER_LIMITS.separators})`;
  if (quotes > PARSER_LIMITS.quotes) return `${quotes} quote characters (limit ${PARSER_LIMITS.quotes})`;
  if (nest > PARSER_LIMITS.nesting) return `${nest} opening brackets (limit ${PARSER_LIMITS.nesting})`;
  if (tokens > PARSER_LIMITS.tokens) return `${tokens} words (limit ${PARSER_LIMITS.tokens})`;
  return null;
}

function rulesFor(cmd: SimpleCommand, out: Finding[], fullText: string, home?: string): void {
  hardlineRules(cmd, out);
  deletionRules(cmd, out);
  permissionRules(cmd, out);
  diskRules(cmd, out);
  sensitiveWriteRules(cmd, out, home);
  systemRules(cmd, out, cmd.argv, fullText);
  execRules(cmd, out);
  commandShapeRules(cmd, out);
  transportRules(cmd, out, cmd.pipedFrom.length > 0 && readsProgramFromStdin(cmd));
}

/**
 * Findings of commands that do not run here are demoted: remote (`ssh host cmd`) and stored text
 * (`echo 'cmd' > x.sh`) keep only HIGH+ findings and never hit the local hardline floor.
 */
function demote(f: Finding, stored: boolean): Finding | null {
  // Remote commands keep HIGH+ only (a service restart on another host is that host's business; corpus
  // tc-0237); text written to a script keeps everything but the local floor (corpus hc-0518).
  if (severityRank(f.severity) < severityRank(stored ? 'low' : 'high')) return null;
  if (f.source !== 'hardline' && !f.floor) return f;
  return {
    ...f,
    source: 'pattern',
    severity: 'high',
    floor: false,
    description: `${f.description} (not on this machine)`,
    key: `${f.key} (remote or stored)`,
  };
}

function isExecBitMode(mode: string): boolean {
  return /^[ugoa]*\+[rwxX]*x/.test(mode) || /^[0-7]?[1357][0-7]{2}$/.test(mode);
}

/** Download → execute and chmod +x → execute across the command list (Hermes §3.1, issue #3 item 3). */
function crossCommandRules(cmds: readonly SimpleCommand[], out: Finding[]): void {
  const downloaded = new Set<string>();
  const madeExecutable = new Set<string>();
  const strip = (p: string) => p.replace(/^\.\//, '');
  for (const c of cmds) {
    const n = c.argv[0] ?? '';
    const ops = operands(c.argv);
    const runs = [
      strip(c.path),
      ...(c.argv.length > 1 && /^(?:sh|bash|zsh|dash|ksh|python[0-9.]*|node|perl|ruby|php|source|\.)$/.test(n)
        ? [strip(ops[0] ?? '')]
        : []),
    ];
    if (runs.some((r) => r && downloaded.has(r)))
      out.push(
        pattern('download_then_execute', 'download then execute', 'high', show(c), 'Download, inspect, then run'),
      );
    else if (runs.some((r) => r && madeExecutable.has(r)) && (c.path.includes('/') || runs.length > 1))
      out.push(pattern('chmod_then_execute', 'chmod +x then execute', 'medium', show(c)));
    if (n === 'curl' || n === 'wget') {
      for (let i = 1; i < c.argv.length; i++) {
        const a = c.argv[i] as string;
        if (a === '-o' || a === '--output' || (n === 'wget' && (a === '-O' || a === '--output-document')))
          downloaded.add(strip(c.argv[i + 1] ?? ''));
        else if (a.startsWith('--output=') || a.startsWith('--output-document='))
          downloaded.add(strip(a.slice(a.indexOf('=') + 1)));
      }
      const remoteName = n === 'wget' || c.argv.includes('-O') || c.argv.includes('--remote-name');
      if (remoteName)
        for (const o of ops) if (o.includes('://')) downloaded.add((o.split(/[?#]/)[0] ?? '').split('/').pop() ?? '');
      downloaded.delete('');
      downloaded.delete('-');
    }
    if (n === 'chmod' && ops.length >= 2 && isExecBitMode(ops[0] as string)) {
      for (const o of ops.slice(1)) {
        if (downloaded.has(strip(o)))
          out.push(
            pattern('download_then_execute', 'download then execute', 'high', show(c), 'Download, inspect, then run'),
          );
        madeExecutable.add(strip(o));
      }
    }
  }
}

const SCHEDULERS = /^(?:hermes)$/;

/** Text that leaves as a command: echo/printf into a file, `hermes cron create <when> '<cmd>'`. */
function storedCommands(col: Collector): SimpleCommand[] {
  // A separate collector: stored text is data until it runs, so its parse problems are not findings.
  const sub = new Collector();
  for (const c of col.commands) {
    const n = c.argv[0] ?? '';
    if ((n === 'echo' || n === 'printf') && c.argv.length > 1 && !c.dynamic.some(Boolean)) {
      const toFile = c.redirects.some(
        (r) =>
          r.op.includes('>') && r.target !== '/dev/null' && !/^\/dev\/std/.test(r.target) && !/^[0-9]+$/.test(r.target),
      );
      if (toFile) sub.analyzeSource(c.argv.slice(1).join(' '), c.depth + 1, 'stored');
    }
    if (SCHEDULERS.test(n) && c.argv[1] === 'cron' && ['create', 'add'].includes(c.argv[2] ?? '')) {
      const last = c.argv[c.argv.length - 1];
      if (last && c.argv.length >= 5) sub.analyzeSource(last, c.depth + 1, 'stored');
    }
  }
  return sub.commands;
}

function dedupe(fs: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of fs) {
    const k = `${f.rule}\u0000${f.key}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out;
}

/**
 * Analyses one shell command. Throws CommandTooLargeError above 1 MiB and ShellParserNotReadyError before
 * initShellParser resolved. Pure and synchronous.
 */
export function analyzeCommand(command: string, opts: AnalyzeOptions = {}): CommandAnalysis {
  if (command.length > MAX_COMMAND_LENGTH) throw new CommandTooLargeError(command.length, MAX_COMMAND_LENGTH);
  const findings: Finding[] = [];
  const norm = normalizeCommand(command);
  const limit = overParserLimit(norm);
  if (limit) {
    textScan(command, findings);
    findings.push({
      rule: 'parser_limit',
      severity: 'critical',
      source: 'analysis',
      title: 'Command parser limit exceeded',
      description: `command parser limit exceeded: ${limit}`,
      evidence: norm.slice(0, 80),
      safer: 'Write the script to a file, show it to the user, and run the file',
      key: 'command parser limit exceeded',
      floor: true,
    });
    return { commands: [], findings: dedupe(findings) };
  }
  const col = new Collector();
  col.analyzeSource(norm, 0, 'top');
  textScan(command, findings);
  // `tirith diff|check|explain <url>` inspects a suspicious URL: the URL is the subject, not a download
  // (corpus tc-0580). `tirith run` does fetch and run, so it stays a sink.
  const inspecting =
    col.commands.length > 0 && col.commands.every((c) => c.argv[0] === 'tirith' && c.argv[1] !== 'run');
  if (inspecting) {
    for (let i = findings.length - 1; i >= 0; i--) if (findings[i]?.rule === 'confusable_text') findings.splice(i, 1);
  } else urlRules(extractUrls(command), findings);
  const stored = storedCommands(col);
  for (const fb of col.forkBombs) findings.push(forkBombFinding(fb));
  if (PS_IEX_DOWNLOAD.test(norm)) {
    findings.push(
      tirith(
        'ps_inline_download_execute',
        'high',
        'Download executed in memory',
        'PowerShell downloads a script and runs it with Invoke-Expression',
        norm.match(PS_IEX_DOWNLOAD)?.[0] ?? '',
      ),
    );
  }
  if (METADATA_TEXT.test(norm)) {
    findings.push(
      pattern(
        'cloud_metadata',
        'cloud metadata endpoint access (instance credentials)',
        'high',
        norm.match(METADATA_TEXT)?.[0] ?? '',
        'Do not query instance metadata from the agent',
      ),
    );
  }
  for (const f of col.findings) findings.push(f);
  for (const cmd of [...col.commands, ...stored]) {
    if (cmd.origin === 'remote' || cmd.origin === 'stored') {
      const tmp: Finding[] = [];
      rulesFor(cmd, tmp, norm, opts.home);
      for (const f of tmp) {
        const d = demote(f, cmd.origin === 'stored');
        if (d) findings.push(d);
      }
    } else rulesFor(cmd, findings, norm, opts.home);
  }
  crossCommandRules(
    col.commands.filter((c) => c.origin !== 'remote' && c.origin !== 'stored'),
    findings,
  );
  return { commands: col.commands, findings: dedupe(findings) };
}

export { commandBase };
