// `hermes approvals` (issue #6 item 7): list pending asks, answer them, and dry-run a command.
import { type HermesConfig, secretValues } from '@hermes/config';
import { approvalv1, commonv1 } from '@hermes/proto';
import { type Backend, createRedactor } from '@hermes/security';
import { initShellParserFromDisk } from '@hermes/security/node';
import { createLocalApprovalCore } from '@hermes/svc-approval';
import type { CliIo } from '../cli-io.ts';
import {
  approverOf,
  EXIT_UNAVAILABLE,
  loadCliConfig,
  parseArgs,
  UsageError,
  withApprovalClient,
} from './approvals-client.ts';

export const approvalsHelp = `Usage:
  hermes approvals list [--session <id>] [--json]
  hermes approvals approve <request-id> [--session | --always] [--approver <name>]
  hermes approvals deny <request-id> [--reason <text>] [--approver <name>]
  hermes approvals test [--backend <b>] [--session <id>] [--profile <p>] [--unattended] [--local] [--json] -- '<command>'

approve answers "once" unless --session (every finding of the ask, for the rest of the session) or
--always (session + the permanent allowlist). test is a dry run through the approval service's full
decision order (no ask is created, no grant signed; --local decides in this process from config
only): exit 0 allow, 2 ask, 1 deny. Other exits: 64 usage, 69 approval service unreachable, 2 bad
configuration for list/approve/deny.`;

const EXIT = { allow: 0, ask: 2, deny: 1, usage: 64 } as const;
const BACKENDS: readonly Backend[] = ['local', 'ssh', 'docker', 'singularity', 'modal', 'daytona', 'vercel-sandbox'];
const BACKEND_PROTO: Record<Backend, commonv1.Backend> = {
  local: commonv1.Backend.LOCAL,
  ssh: commonv1.Backend.SSH,
  docker: commonv1.Backend.DOCKER,
  singularity: commonv1.Backend.SINGULARITY,
  modal: commonv1.Backend.MODAL,
  daytona: commonv1.Backend.DAYTONA,
  'vercel-sandbox': commonv1.Backend.VERCEL_SANDBOX,
};

const lower = (s: string | undefined): string => (s ?? 'unspecified').toLowerCase();
const choiceName = (c: approvalv1.Choice): string => lower(approvalv1.Choice[c]);
const decisionName = (d: commonv1.Decision): 'allow' | 'ask' | 'deny' => {
  const n = lower(commonv1.Decision[d]);
  return n === 'allow' || n === 'ask' ? n : 'deny';
};
const ms = (t: { seconds: bigint; nanos: number } | undefined): number =>
  t ? Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6) : 0;

export async function runApprovals(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(`${approvalsHelp}\n`);
    return 0;
  }
  try {
    switch (sub) {
      case 'list':
        return await list(rest, io);
      case 'approve':
      case 'deny':
        return await answer(sub, rest, io);
      case 'test':
        return await dryRun(rest, io);
      default:
        throw new UsageError(`unknown subcommand '${sub}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`hermes approvals: ${e.message}\n\n${approvalsHelp}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

async function list(argv: readonly string[], io: CliIo): Promise<number> {
  const a = parseArgs(argv, { values: ['session', 'timeout'], flags: ['json'] });
  if (a.positional.length > 0) throw new UsageError(`unexpected argument '${a.positional[0]}'`);
  const config = loadCliConfig(io);
  if (!config) return 2;
  return withApprovalClient(
    io,
    config,
    async (client, timeoutMs) => {
      const res = await client.listPending({ sessionId: a.values.get('session') ?? '' }, { timeoutMs });
      const now = Date.now();
      const rows = res.pending.map((p) => ({
        requestId: p.requestId,
        sessionId: p.sessionId,
        command: p.command,
        description: p.description,
        cwd: p.cwd,
        choices: p.choices.map(choiceName),
        deadline: new Date(ms(p.deadline)).toISOString(),
        secondsLeft: Math.max(0, Math.round((ms(p.deadline) - now) / 1000)),
        findings: p.findings.map((f) => f.rule),
      }));
      if (a.flags.has('json')) io.stdout.write(`${JSON.stringify({ pending: rows })}\n`);
      else if (rows.length === 0) io.stdout.write('no pending approvals\n');
      else {
        for (const r of rows) {
          io.stdout.write(
            `${r.requestId}  session ${r.sessionId}  ${r.secondsLeft}s left\n  command: ${r.command}\n  why:     ${r.description}\n  answer:  ${r.choices.join(' | ')}\n`,
          );
        }
      }
      return 0;
    },
    timeoutOf(a.values),
  );
}

function timeoutOf(values: Map<string, string>): number {
  const t = values.get('timeout');
  if (t === undefined) return 5_000;
  if (!/^\d+$/.test(t)) throw new UsageError('--timeout takes milliseconds');
  return Number(t);
}

async function answer(kind: 'approve' | 'deny', argv: readonly string[], io: CliIo): Promise<number> {
  const a = parseArgs(argv, {
    values: ['reason', 'approver', 'timeout'],
    flags: kind === 'approve' ? ['session', 'always'] : [],
  });
  const [id, extra] = a.positional;
  if (!id) throw new UsageError(`missing the request id: hermes approvals ${kind} <request-id>`);
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  if (a.flags.has('session') && a.flags.has('always'))
    throw new UsageError('--session and --always exclude each other');
  if (kind === 'approve' && a.values.has('reason')) throw new UsageError('--reason goes with deny');
  const choice =
    kind === 'deny'
      ? approvalv1.Choice.DENY
      : a.flags.has('always')
        ? approvalv1.Choice.ALWAYS
        : a.flags.has('session')
          ? approvalv1.Choice.SESSION
          : approvalv1.Choice.ONCE;
  const config = loadCliConfig(io);
  if (!config) return 2;
  return withApprovalClient(
    io,
    config,
    async (client, timeoutMs) => {
      const res = await client.resolve(
        {
          requestId: id,
          choice,
          approver: approverOf(io, a.values.get('approver')),
          reason: a.values.get('reason') ?? '',
        },
        { timeoutMs },
      );
      (res.resolved ? io.stdout : io.stderr).write(`${id}: ${res.message}\n`);
      return res.resolved ? 0 : 1;
    },
    timeoutOf(a.values),
  );
}

interface DryRunResult {
  decision: 'allow' | 'ask' | 'deny';
  outcome: string;
  hardline: boolean;
  message: string;
  findings: { rule: string; severity: string; source: string; description: string }[];
}

async function dryRun(argv: readonly string[], io: CliIo): Promise<number> {
  const a = parseArgs(argv, {
    values: ['backend', 'session', 'profile', 'timeout'],
    flags: ['unattended', 'local', 'json'],
  });
  const command = a.positional.join(' ');
  if (command.trim() === '') throw new UsageError("missing the command: hermes approvals test -- '<command>'");
  const backendName = a.values.get('backend')?.replace('_', '-');
  if (backendName !== undefined && !BACKENDS.includes(backendName as Backend)) {
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')} (got '${backendName}')`);
  }
  const backend = backendName as Backend | undefined;
  const config = loadCliConfig(io);
  if (!config) return 2;
  const sessionId = a.values.get('session') ?? 'cli-dry-run';
  const profile = a.values.get('profile') ?? '';
  const unattended = a.flags.has('unattended');
  let result: DryRunResult;
  if (a.flags.has('local')) {
    result = await localDryRun(config, { command, backend, sessionId, profile, unattended });
  } else {
    let remote: DryRunResult | undefined;
    const code = await withApprovalClient(
      io,
      config,
      async (client, timeoutMs) => {
        const v = await client.evaluate(
          {
            sessionId,
            command,
            backend: backend ? BACKEND_PROTO[backend] : commonv1.Backend.UNSPECIFIED,
            profile,
            unattended,
            dryRun: true,
          },
          { timeoutMs },
        );
        remote = {
          decision: decisionName(v.decision),
          outcome: lower(approvalv1.Outcome[v.outcome]),
          hardline: v.hardline,
          message: v.message,
          findings: v.findings.map((f) => ({
            rule: f.rule,
            severity: lower(commonv1.Severity[f.severity]),
            source: lower(commonv1.FindingSource[f.source]),
            description: f.description,
          })),
        };
        return 0;
      },
      timeoutOf(a.values),
    );
    if (!remote) {
      if (code === EXIT_UNAVAILABLE) io.stderr.write('hermes: use --local to decide from config alone\n');
      return code;
    }
    result = remote;
  }
  if (a.flags.has('json')) io.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const lines = [`decision: ${result.decision} (${result.outcome})`];
    for (const f of result.findings)
      lines.push(`  - [${f.severity.toUpperCase()}] ${f.rule} (${f.source}): ${f.description}`);
    lines.push(result.message);
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  return EXIT[result.decision];
}

async function localDryRun(
  config: HermesConfig,
  input: { command: string; backend: Backend | undefined; sessionId: string; profile: string; unattended: boolean },
): Promise<DryRunResult> {
  await initShellParserFromDisk();
  const redactor = createRedactor({ knownSecrets: secretValues(config) });
  const core = createLocalApprovalCore(config, { redact: (s) => redactor.redact(s) });
  try {
    const v = await core.evaluate(
      {
        sessionId: input.sessionId,
        command: input.command,
        backend: input.backend,
        cwd: '',
        unattended: input.unattended,
        extraFindings: [],
        profile: input.profile || 'default',
        hostAccess: false,
        dryRun: true,
      },
      { wait: false, signal: AbortSignal.timeout(10_000) },
    );
    return {
      decision: v.decision,
      outcome: v.outcome,
      hardline: v.hardline,
      message: v.message,
      findings: v.findings.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        source: f.source,
        description: f.description,
      })),
    };
  } finally {
    core.close();
  }
}
