// `hermes [--yolo] exec [--backend …] [--session …] [--cwd …] [--timeout …] -- <cmd>` (issue #8
// item 3): a person at a terminal runs one command through the whole pipeline of a running platform
// (`hermes up`, or a distributed deployment), over the gateway's operator plane. The gateway does
// every check; this side only shows findings, asks, and streams output.
import { TERMINAL_BACKENDS } from '@hermes/config';
import { commonv1 } from '@hermes/proto';
import { type CliIo, Exit } from '../cli-io.ts';
import { loadCliConfig, parseArgs, UsageError } from './approvals-client.ts';
import { withGatewayClient } from './exec-client.ts';
import { ask, formatFindings } from './exec-prompt.ts';

export const execHelp = `Usage: hermes [--yolo] exec [options] -- <command…>

Runs a shell command through the full pipeline of the running platform (gateway, authz, scanner,
approval, executor): the same checks an agent's tool call gets. Needs 'hermes up' (or a deployed
gateway: the CLI dials services.gateway.grpc, or where a gateway on this host says it listens).

A flagged command is shown in full with each finding, then:
  Allow? [o]nce | [s]ession | [a]lways | [D]eny
Enter (or anything else) denies; so does silence until approvals.timeout (60 s). Hardline commands
(rm -rf /, fork bombs, mkfs on root, dd to a disk) are refused, also with --yolo.

Options:
  --backend <b>     ${TERMINAL_BACKENDS.join(', ')} (default: terminal.backend)
  --session <id>    approval session and workspace (default: one per shell, tty-<parent pid>)
  --cwd <dir>       working directory inside the session workspace
  --timeout <s>     kill the command after this many seconds (default 180)
  --yolo            (before 'exec') approvals off for this session; hardline still refuses

Your authz user id is $USER on platform cli: list it in GATEWAY_ALLOWED_USERS.
Exit codes: the command's own exit code; 126 denied; 1 refused or service error; 2 bad
configuration; 64 bad usage; 69 gateway not running.`;

/** sysexits-style "command cannot execute": the pipeline refused it. */
export const EXIT_DENIED = 126;

const BACKEND_PROTO: Readonly<Record<string, commonv1.Backend>> = {
  local: commonv1.Backend.LOCAL,
  docker: commonv1.Backend.DOCKER,
  ssh: commonv1.Backend.SSH,
  singularity: commonv1.Backend.SINGULARITY,
  modal: commonv1.Backend.MODAL,
  daytona: commonv1.Backend.DAYTONA,
  'vercel-sandbox': commonv1.Backend.VERCEL_SANDBOX,
};

export async function runExec(argv: readonly string[], io: CliIo, options: { yolo?: boolean } = {}): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv, { values: ['backend', 'session', 'cwd', 'timeout'], flags: ['help'] });
    if (parsed.flags.has('help')) {
      io.stdout.write(`${execHelp}\n`);
      return Exit.ok;
    }
    if (parsed.positional.length === 0) throw new UsageError('no command given (hermes exec -- <command>)');
    const b = parsed.values.get('backend');
    if (b !== undefined && BACKEND_PROTO[b] === undefined) {
      throw new UsageError(`unknown backend '${b}' (one of ${TERMINAL_BACKENDS.join(', ')})`);
    }
    const t = parsed.values.get('timeout');
    if (t !== undefined && !/^\d{1,4}$/.test(t)) throw new UsageError('--timeout needs seconds');
  } catch (err) {
    io.stderr.write(`hermes exec: ${(err as Error).message}\n\n${execHelp}\n`);
    return Exit.usage;
  }
  const config = loadCliConfig(io);
  if (!config) return Exit.config;
  const command = parsed.positional.join(' ');
  const user = io.env.USER ?? io.env.LOGNAME ?? 'operator';
  const backendName = parsed.values.get('backend');
  const ac = new AbortController();
  return withGatewayClient(io, config, 'exec', async (client) => {
    const stream = client.exec(
      {
        command,
        user,
        sessionId: parsed.values.get('session') ?? `tty-${process.ppid}`,
        cwd: parsed.values.get('cwd') ?? '',
        yolo: options.yolo ?? false,
        timeoutSeconds: Number(parsed.values.get('timeout') ?? '0'),
        ...(backendName ? { backend: BACKEND_PROTO[backendName] } : {}),
      },
      // Waiting for a human plus up to an hour of running: the gateway enforces the real limits.
      { timeoutMs: 2 * 60 * 60 * 1000, signal: ac.signal },
    );
    for await (const ev of stream) {
      const e = ev.event;
      switch (e.case) {
        case 'approval': {
          const a = e.value;
          io.stderr.write(
            `\nhermes: this command needs your approval:\n\n    ${a.command}\n\n${formatFindings(a.findings)}\n\n`,
          );
          const deadline = a.deadline
            ? Number(a.deadline.seconds) * 1000 + Math.floor(a.deadline.nanos / 1e6)
            : Date.now() + config.approvals.timeout * 1000;
          const { choice, timedOut } = await ask(io.stdin, io.stderr, a.choices, deadline);
          if (timedOut) {
            io.stderr.write('hermes: no answer before the deadline: denied\n');
            break;
          }
          const r = await client.answerAsk({ requestId: a.requestId, choice, user }, { timeoutMs: 10_000 });
          if (!r.resolved && r.message) io.stderr.write(`hermes: ${r.message}\n`);
          break;
        }
        case 'findings':
          io.stderr.write(`hermes: allowed with findings:\n${formatFindings(e.value.findings)}\n`);
          break;
        case 'stdout':
          io.stdout.write(e.value);
          break;
        case 'stderr':
          io.stderr.write(e.value);
          break;
        case 'exitCode':
          return e.value;
        case 'denied': {
          const d = e.value;
          io.stderr.write(`hermes exec: denied (${d.reason}): ${d.message}\n`);
          if (d.findings.length > 0 && d.reason !== 'denied') io.stderr.write(`${formatFindings(d.findings)}\n`);
          return EXIT_DENIED;
        }
        default:
          break;
      }
    }
    io.stderr.write('hermes exec: the gateway ended the run without a result\n');
    return Exit.failure;
  });
}
