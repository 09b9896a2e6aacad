// `hermes check` (issue #3 item 6): single-shot `hermes check command [--mode m] [--backend b] [--json] --
// '<cmd>'` and the streaming `hermes check --jsonl`. Exit codes: 0 allow, 2 ask, 1 deny, 64 usage error.
// No services are needed: the command analysis is the pure @hermes/security core.
import type { Readable, Writable } from 'node:stream';
import { formatConfigError } from '@hermes/config';
import { ApprovalMode, Backend, type Evaluation, evaluateCommand } from '@hermes/security';
import { initShellParserFromDisk } from '@hermes/security/node';
import { checkContentItem, contentOptionsFromConfig, runCheckContent } from './check-content.ts';

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const EXIT = { allow: 0, ask: 2, deny: 1, usage: 64 } as const;
const MODES = Object.values(ApprovalMode) as string[];
const BACKENDS = Object.values(Backend) as string[];
const CONTENT_KINDS = new Set(['url', 'context', 'text']);

const USAGE = `usage:
  hermes check command [--mode manual|smart|off] [--backend ${BACKENDS.join('|')}] [--yolo] [--json] -- '<command>'
  hermes check url|context … (content checks)
  hermes check --jsonl [--mode …] [--backend …] [--no-dns] < items.jsonl
    input lines:  {"id": "...", "kind": "command", "input": "..."}
    output lines: {"id": "...", "decision": "allow|ask|deny", "hardline": bool, "findings": [{"rule", "severity", "source"}]}
exit codes: 0 allow, 2 ask, 1 deny, 64 usage error
`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface Options {
  mode: ApprovalMode;
  backend: Backend;
  yolo: boolean;
  json: boolean;
  jsonl: boolean;
  noDns: boolean;
  rest: string[];
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = {
    mode: 'manual',
    backend: 'local',
    yolo: false,
    json: false,
    jsonl: false,
    noDns: false,
    rest: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (flag: string): string => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (a === '--') {
      o.rest.push(...argv.slice(i + 1));
      break;
    }
    if (a === '--mode' || a.startsWith('--mode=')) {
      const v = value('--mode');
      if (!MODES.includes(v)) throw new UsageError(`--mode must be one of ${MODES.join(', ')} (got '${v}')`);
      o.mode = v as ApprovalMode;
    } else if (a === '--backend' || a.startsWith('--backend=')) {
      const v = value('--backend').replace('_', '-');
      if (!BACKENDS.includes(v)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')} (got '${v}')`);
      o.backend = v as Backend;
    } else if (a === '--json') o.json = true;
    else if (a === '--jsonl') o.jsonl = true;
    else if (a === '--no-dns') o.noDns = true;
    else if (a === '--yolo') o.yolo = true;
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else o.rest.push(a);
  }
  return o;
}

function exitFor(e: Evaluation): number {
  return EXIT[e.decision];
}

function printHuman(e: Evaluation, out: Writable): void {
  const lines = [`decision: ${e.decision}`, `hardline: ${e.hardline}`];
  if (e.findings.length === 0) lines.push('findings: none');
  else {
    lines.push('findings:');
    for (const f of e.findings) {
      lines.push(`  - [${f.severity.toUpperCase()}] ${f.rule} (${f.source}): ${f.description}`);
      if (f.evidence) lines.push(`      evidence: ${f.evidence}`);
      if (f.safer) lines.push(`      safer: ${f.safer}`);
    }
  }
  lines.push(e.message);
  out.write(`${lines.join('\n')}\n`);
}

export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  let opts: Options;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout.write(USAGE);
      return 0;
    }
    opts = parseOptions(argv);
    if (!opts.jsonl) {
      const sub = opts.rest[0];
      if (sub === undefined) throw new UsageError('missing what to check: command, url, context or --jsonl');
      if (CONTENT_KINDS.has(sub)) {
        if (sub === 'text') throw new UsageError("single-shot 'text' checks are not supported; use --jsonl");
        const i = argv.indexOf(sub);
        return await runCheckContent(sub as 'url' | 'context', argv.slice(i + 1), io);
      }
      if (sub !== 'command') throw new UsageError(`unknown check kind '${sub}'`);
      if (opts.rest.length < 2) throw new UsageError("missing the command: hermes check command -- '<command>'");
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`hermes check: ${e.message}\n${USAGE}`);
      return EXIT.usage;
    }
    throw e;
  }
  // URL policy, website blocklist and known secrets come from the configuration, as in the services.
  let contentOptions: ReturnType<typeof contentOptionsFromConfig>;
  try {
    contentOptions = contentOptionsFromConfig(io.env);
  } catch (e) {
    io.stderr.write(`${formatConfigError(e)}\n`);
    return 2;
  }
  await initShellParserFromDisk();
  if (opts.jsonl) return runJsonl(opts, io, contentOptions);
  const command = opts.rest.slice(1).join(' ');
  const e = evaluateCommand({
    command,
    mode: opts.mode,
    backend: opts.backend,
    yolo: opts.yolo,
    ...(io.env.HOME ? { home: io.env.HOME } : {}),
  });
  if (opts.json) io.stdout.write(`${JSON.stringify(e)}\n`);
  else printHuman(e, io.stdout);
  return exitFor(e);
}

function idOf(line: string): string | null {
  const m = /"id"\s*:\s*"((?:[^"\\]|\\.){0,200})"/.exec(line.slice(0, 4096));
  return m ? (m[1] as string) : null;
}

/** One JSON object per input line → one output line, same order, ids preserved; bad lines get an error line. */
async function runJsonl(
  opts: Options,
  io: CliIo,
  contentOptions: ReturnType<typeof contentOptionsFromConfig>,
): Promise<number> {
  let buf = '';
  const flush = async () => {
    if (!buf) return;
    const chunk = buf;
    buf = '';
    if (!io.stdout.write(chunk)) await new Promise<void>((r) => io.stdout.once('drain', r));
  };
  const home = io.env.HOME;
  const handle = async (line: string) => {
    if (line.trim() === '') return;
    let item: { id?: unknown; kind?: unknown; input?: unknown; filename?: unknown; mode?: unknown; backend?: unknown };
    try {
      item = JSON.parse(line);
    } catch {
      buf += `${JSON.stringify({ id: idOf(line), error: 'line is not valid JSON' })}\n`;
      return;
    }
    const id =
      item && typeof item === 'object'
        ? typeof item.id === 'string' || typeof item.id === 'number'
          ? String(item.id)
          : null
        : null;
    if (!item || typeof item !== 'object' || typeof item.input !== 'string') {
      buf += `${JSON.stringify({ id, error: "each line needs a string 'input'" })}\n`;
      return;
    }
    const kind = item.kind ?? 'command';
    if (kind === 'command') {
      try {
        const e = evaluateCommand({
          command: item.input,
          mode: opts.mode,
          backend: opts.backend,
          yolo: opts.yolo,
          ...(home ? { home } : {}),
        });
        buf += `${JSON.stringify({ id, decision: e.decision, hardline: e.hardline, findings: e.findings.map((f) => ({ rule: f.rule, severity: f.severity, source: f.source })) })}\n`;
      } catch (err) {
        buf += `${JSON.stringify({ id, error: `analysis failed: ${(err as Error).message}` })}\n`;
      }
    } else if (typeof kind === 'string' && CONTENT_KINDS.has(kind)) {
      await flush();
      try {
        const r = await checkContentItem(
          {
            id: id ?? '',
            kind: kind as 'url' | 'context' | 'text',
            input: item.input,
            ...(typeof item.filename === 'string' ? { filename: item.filename } : {}),
          },
          { noDns: opts.noDns, ...contentOptions },
        );
        buf += `${JSON.stringify({ ...r, id })}\n`;
      } catch (err) {
        buf += `${JSON.stringify({ id, error: `check failed: ${(err as Error).message}` })}\n`;
      }
    } else buf += `${JSON.stringify({ id, error: `unknown kind '${String(kind)}'` })}\n`;
    if (buf.length > 65536) await flush();
  };
  let pending = '';
  io.stdin.setEncoding('utf8');
  for await (const chunk of io.stdin) {
    pending += chunk as string;
    let nl = pending.indexOf('\n');
    let start = 0;
    while (nl >= 0) {
      await handle(pending.slice(start, nl));
      start = nl + 1;
      nl = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  if (pending) await handle(pending);
  await flush();
  return 0;
}
