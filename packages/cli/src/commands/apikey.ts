// `hermes apikey create|list|revoke`: Agent API keys, on the running gateway's operator plane.
// The key is printed once, at creation; the gateway stores only its SHA-256.
import type { gatewayv1 } from '@hermes/proto';
import { type CliIo, Exit } from '../cli-io.ts';
import { loadCliConfig, parseArgs, UsageError } from './approvals-client.ts';
import { withGatewayClient } from './exec-client.ts';

export const apikeyHelp = `Usage: hermes apikey <subcommand> [options]

Agent API keys (issue #8), on the running gateway (gRPC at services.gateway.grpc).

  create --name <name> --scopes <run,approve> [--rate <per minute>] [--unattended] [--json]
        prints the key ONCE; store it now. <name> is the caller's user id for authz: list it
        in GATEWAY_ALLOWED_USERS (or approve it with pairing on platform api).
        Scopes: run (RunCommand, GetRun, CancelRun), approve (ResolveApproval).
        --rate: requests per minute, shared by every gateway replica (default 600).
        --unattended: no human answers for this key; approvals.unattended_mode applies.
  list [--all] [--json]     keys (never the secret); --all includes revoked ones
  revoke <id>               the key stops working at once on this gateway, within 5 s on others

Exit codes: 0 done, 1 refused or service error, 2 bad configuration, 64 bad usage, 69 gateway down.`;

function iso(t: { seconds: bigint; nanos: number } | undefined): string {
  return t === undefined
    ? ''
    : new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function view(k: gatewayv1.ApiKey) {
  return {
    id: k.id,
    name: k.name,
    scopes: k.scopes,
    rate_per_minute: k.ratePerMinute,
    unattended: k.unattended,
    created_at: iso(k.createdAt),
    ...(k.revokedAt ? { revoked_at: iso(k.revokedAt) } : {}),
  };
}

export async function runApikey(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  const [sub, ...rest] = argv;
  try {
    args = parseArgs(rest, { values: ['name', 'scopes', 'rate'], flags: ['unattended', 'json', 'all'] });
  } catch (err) {
    io.stderr.write(`hermes apikey: ${(err as Error).message}\n\n${apikeyHelp}\n`);
    return Exit.usage;
  }
  if (sub === undefined || sub === 'help' || sub === '--help') {
    io.stdout.write(`${apikeyHelp}\n`);
    return sub === undefined ? Exit.usage : Exit.ok;
  }
  const json = args.flags.has('json');
  try {
    if (sub === 'create') {
      const name = args.values.get('name');
      const scopes = args.values.get('scopes');
      if (!name || !scopes) throw new UsageError('create needs --name and --scopes');
      const rateText = args.values.get('rate') ?? '0';
      if (!/^\d{1,7}$/.test(rateText)) throw new UsageError('--rate needs a number of requests per minute');
      if (args.positional.length > 0) throw new UsageError('create takes no positional arguments');
      const config = loadCliConfig(io);
      if (!config) return Exit.config;
      return await withGatewayClient(io, config, 'apikey', async (client) => {
        const res = await client.createApiKey(
          {
            name,
            scopes: scopes.split(','),
            ratePerMinute: Number(rateText),
            unattended: args.flags.has('unattended'),
          },
          { timeoutMs: 10_000 },
        );
        if (!res.key) return Exit.failure;
        if (json) io.stdout.write(`${JSON.stringify({ ...view(res.key), key: res.secret })}\n`);
        else {
          io.stdout.write(
            `created API key ${res.key.id} for ${res.key.name} (scopes: ${res.key.scopes.join(', ')}; ${res.key.ratePerMinute}/min${res.key.unattended ? '; unattended' : ''})\n\n  ${res.secret}\n\nThis is the only time the key is shown. Send it as 'Authorization: Bearer <key>'.\n`,
          );
        }
        return Exit.ok;
      });
    }
    if (sub === 'list') {
      if (args.positional.length > 0) throw new UsageError('list takes no positional arguments');
      const config = loadCliConfig(io);
      if (!config) return Exit.config;
      return await withGatewayClient(io, config, 'apikey', async (client) => {
        const res = await client.listApiKeys({ includeRevoked: args.flags.has('all') }, { timeoutMs: 10_000 });
        const keys = res.keys.map(view);
        if (json) io.stdout.write(`${JSON.stringify({ keys })}\n`);
        else {
          io.stdout.write(`API keys (${keys.length})\n`);
          for (const k of keys) {
            io.stdout.write(
              `  ${k.id}  ${k.name.padEnd(20)} ${k.scopes.join(',').padEnd(12)} ${String(k.rate_per_minute).padStart(6)}/min  created ${k.created_at}${k.unattended ? '  unattended' : ''}${k.revoked_at ? `  REVOKED ${k.revoked_at}` : ''}\n`,
            );
          }
        }
        return Exit.ok;
      });
    }
    if (sub === 'revoke') {
      const [id, extra] = args.positional;
      if (id === undefined || extra !== undefined) throw new UsageError('revoke needs one key id');
      const config = loadCliConfig(io);
      if (!config) return Exit.config;
      return await withGatewayClient(io, config, 'apikey', async (client) => {
        const res = await client.revokeApiKey({ id }, { timeoutMs: 10_000 });
        if (res.revoked) {
          io.stdout.write(`revoked API key ${id}\n`);
          return Exit.ok;
        }
        io.stderr.write(`hermes apikey: no live key has id ${id}\n`);
        return Exit.failure;
      });
    }
    throw new UsageError(`unknown subcommand '${sub}'`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`hermes apikey: ${err.message}\n\n${apikeyHelp}\n`);
      return Exit.usage;
    }
    throw err;
  }
}
