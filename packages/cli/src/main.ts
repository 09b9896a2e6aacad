import { HERMES_VERSION } from '@hermes/platform';
import type { CliIo } from './cli-io.ts';
import { allowlistHelp, runAllowlist } from './commands/allowlist.ts';
import { apikeyHelp, runApikey } from './commands/apikey.ts';
import { approvalsHelp, runApprovals } from './commands/approvals.ts';
import { auditHelp, runAudit } from './commands/audit.ts';
import { runCheck } from './commands/check.ts';
import { configHelp, runConfig } from './commands/config.ts';
import { execHelp, runExec } from './commands/exec.ts';
import { healthHelp, runHealth } from './commands/health.ts';
import { pairingHelp, runPairing } from './commands/pairing.ts';
import { runRedact } from './commands/redact.ts';
import { runServe, serveHelp } from './commands/serve.ts';
import { runUp, upHelp } from './commands/up.ts';
import { runWorkers, workersHelp } from './commands/workers.ts';

const HELP = `hermes ${HERMES_VERSION}: the Hermes Platform command

Usage: hermes <command> [options]

Commands:
  up                       start every service in this process (embedded mode)
  serve <service>          run one service against NATS, Postgres and Redis
  health [--json]          ask every service whether it is SERVING
  config check [--json]    validate the configuration and print it with secrets masked
  check command -- <cmd>   decide allow / ask / deny for a shell command, without services
  check --jsonl            the same for a stream of JSON lines (commands, urls, context files, text)
  check url <URL>          SSRF and website policy for a URL (--no-dns: deny what needs DNS)
  check context <FILE>     prompt-injection scan of a context file (AGENTS.md, .cursorrules, …)
  redact [--env-file F]    copy stdin to stdout with secrets redacted
  pairing <list|approve|revoke|clear-pending>   DM pairing codes (hermes pairing help)
  exec -- <cmd>            run a command through the whole pipeline of the running platform
  apikey <create|list|revoke>   Agent API keys (shown once, stored hashed)
  audit <query|verify|export>   the audit trail: query, check the hash chain, export to S3
  approvals <list|approve|deny|test>   pending command approvals; dry-run a command (hermes approvals help)
  allowlist <list|remove>  the permanent command allowlist
  workers [--json]         live executor workers per backend, with load
  help [<command>]         this text, or a command's own help
  --yolo exec -- <cmd>     approvals off for that session (hardline still refuses)
  --version                print the version

Configuration: $HERMES_HOME/config.yaml and $HERMES_HOME/.env (HERMES_HOME defaults to ~/.hermes),
then environment variables. See README.md.`;

const commandHelp: Record<string, string> = {
  allowlist: allowlistHelp,
  apikey: apikeyHelp,
  exec: execHelp,
  approvals: approvalsHelp,
  audit: auditHelp,
  up: upHelp,
  serve: serveHelp,
  health: healthHelp,
  config: configHelp,
  pairing: pairingHelp,
  workers: workersHelp,
};

/** Entry point of the `hermes` command. Returns the exit code; never calls process.exit itself. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: Omit<CliIo, 'env'> = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  const cli: CliIo = { env, ...io };
  // `hermes --yolo exec …`: the global flag only means something to exec (issue #8 item 3).
  const yolo = argv[0] === '--yolo';
  const [command, ...rest] = yolo ? argv.slice(1) : argv;
  if (yolo && command !== 'exec') {
    cli.stderr.write('hermes: --yolo applies to exec only (hermes --yolo exec -- <cmd>)\n');
    return 64;
  }
  switch (command) {
    case 'up':
      return runUp(rest, cli, signals);
    case 'serve':
      return runServe(rest, cli, signals);
    case 'health':
      return runHealth(rest, cli);
    case 'config':
      return runConfig(rest, cli);
    case 'check':
      return runCheck(rest, cli);
    case 'approvals':
      return runApprovals(rest, cli);
    case 'allowlist':
      return runAllowlist(rest, cli);
    case 'workers':
      return runWorkers(rest, cli);
    case 'redact':
      return runRedact(rest, cli);
    case 'pairing':
      return runPairing(rest, cli);
    case 'audit':
      return runAudit(rest, cli);
    case 'exec':
      return runExec(rest, cli, { yolo });
    case 'apikey':
      return runApikey(rest, cli);
    case '--version':
    case '-V':
    case 'version':
      cli.stdout.write(`hermes ${HERMES_VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h': {
      const topic = rest[0];
      cli.stdout.write(`${(topic && commandHelp[topic]) || HELP}\n`);
      return 0;
    }
    default:
      cli.stderr.write(`hermes: unknown command '${command}'. Run 'hermes help' for the list of commands.\n`);
      return 64;
  }
}
