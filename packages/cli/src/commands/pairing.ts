import { formatConfigError, type HermesConfig, loadConfig } from '@hermes/config';
import { authzv1, commonv1 } from '@hermes/proto';
import { type Client, createClient, GrpcTransport, RpcError } from '@hermes/rpc';
import { type CliIo, Exit } from '../cli-io.ts';
import { serviceTarget } from '../service-target.ts';

export const pairingHelp = `Usage: hermes pairing <subcommand> [options]

Manages DM pairing on the running authz service (gRPC at services.authz.grpc).

  list [<platform>] [--json]          approved users and pending requests (never codes)
  approve <platform> <CODE>           approve the user who was shown CODE; case, spaces and
                                      dashes are ignored (ABCD-EFGH, "abcd efgh")
  approve <platform> --request <id>   approve a pending request by its id from 'list'
  revoke <platform> <user_id>         remove an approved user
  clear-pending [<platform>]          delete pending requests (all platforms when omitted)

Platforms: telegram, discord, slack, whatsapp, signal.
Options: --timeout <ms> (default 5000).
Exit codes: 0 done, 1 refused (wrong code, locked out, nothing to revoke) or service error,
2 bad configuration, 64 bad usage.`;

const PLATFORM_NAMES = ['telegram', 'discord', 'slack', 'whatsapp', 'signal'] as const;
type AuthzClient = Client<typeof authzv1.AuthzService>;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function platformOf(name: string | undefined): commonv1.Platform {
  const key = (name ?? '').trim().toLowerCase();
  const i = (PLATFORM_NAMES as readonly string[]).indexOf(key);
  if (i < 0) throw new UsageError(`unknown platform '${name ?? ''}' (one of ${PLATFORM_NAMES.join(', ')})`);
  return commonv1.Platform[key.toUpperCase() as keyof typeof commonv1.Platform];
}

const platformLabel = (p: commonv1.Platform): string => (commonv1.Platform[p] ?? '?').toLowerCase();

function toMs(t: { seconds: bigint; nanos: number } | undefined): number | undefined {
  return t === undefined ? undefined : Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);
}

function iso(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function target(config: HermesConfig): string {
  return serviceTarget(config, 'authz');
}

interface Parsed {
  readonly sub: string | undefined;
  readonly args: string[];
  readonly json: boolean;
  readonly requestId: string | undefined;
  readonly timeoutMs: number;
}

function parse(argv: readonly string[]): Parsed {
  const args: string[] = [];
  let json = false;
  let requestId: string | undefined;
  let timeoutMs = 5_000;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--json') json = true;
    else if (a === '--request') {
      requestId = argv[++i];
      if (requestId === undefined) throw new UsageError('--request needs a request id');
    } else if (a === '--timeout') {
      const v = argv[++i] ?? '';
      if (!/^\d{1,7}$/.test(v)) throw new UsageError('--timeout needs milliseconds');
      timeoutMs = Number(v);
    } else if (a.startsWith('--')) throw new UsageError(`unknown option '${a}'`);
    else args.push(a);
  }
  const [sub, ...rest] = args;
  return { sub, args: rest, json, requestId, timeoutMs };
}

async function list(client: AuthzClient, p: Parsed, io: CliIo, call: { timeoutMs: number }): Promise<number> {
  if (p.args.length > 1) throw new UsageError('list takes at most one platform');
  const platform = p.args[0] === undefined ? commonv1.Platform.UNSPECIFIED : platformOf(p.args[0]);
  const res = await client.list({ platform }, call);
  const approved = res.approved.map((a) => ({
    platform: platformLabel(a.platform),
    user_id: a.userId,
    display_name: a.displayName,
    approved_at: iso(toMs(a.approvedAt)),
  }));
  const pending = res.pending.map((r) => ({
    platform: platformLabel(r.platform),
    user_id: r.userId,
    display_name: r.displayName,
    request_id: r.requestId,
    created_at: iso(toMs(r.createdAt)),
    expires_at: iso(toMs(r.expiresAt)),
  }));
  if (p.json) {
    io.stdout.write(`${JSON.stringify({ approved, pending })}\n`);
    return Exit.ok;
  }
  io.stdout.write(`Approved users (${approved.length})\n`);
  for (const a of approved) {
    io.stdout.write(
      `  ${a.platform.padEnd(9)} ${a.user_id.padEnd(24)} ${a.display_name.padEnd(20)} since ${a.approved_at}\n`,
    );
  }
  io.stdout.write(`Pending requests (${pending.length})\n`);
  for (const r of pending) {
    io.stdout.write(
      `  ${r.platform.padEnd(9)} ${r.user_id.padEnd(24)} ${r.display_name.padEnd(20)} request ${r.request_id}  expires ${r.expires_at}\n`,
    );
  }
  return Exit.ok;
}

async function approve(client: AuthzClient, p: Parsed, io: CliIo, call: { timeoutMs: number }): Promise<number> {
  const [platformName, ...codeParts] = p.args;
  const platform = platformOf(platformName);
  if ((p.requestId === undefined) === (codeParts.length === 0)) {
    throw new UsageError('approve needs a platform and either a CODE or --request <id>');
  }
  // `hermes pairing approve telegram ABCD EFGH` (unquoted) is one code with a stray space.
  const res = await client.approve(
    p.requestId === undefined ? { platform, code: codeParts.join('') } : { platform, requestId: p.requestId },
    call,
  );
  const label = platformLabel(platform);
  if (res.outcome === authzv1.ApproveOutcome.APPROVED) {
    const who = res.displayName ? `${res.userId} (${res.displayName})` : res.userId;
    io.stdout.write(`approved ${who} on ${label}\n`);
    return Exit.ok;
  }
  if (res.outcome === authzv1.ApproveOutcome.LOCKED_OUT) {
    io.stderr.write(
      `hermes pairing: ${label} is locked out after too many failed approvals; try again after ${iso(toMs(res.retryAfter))}\n`,
    );
    return Exit.failure;
  }
  // Deliberately one message for unknown, expired and other-platform codes (issue #5 item 4).
  io.stderr.write(
    p.requestId === undefined
      ? `hermes pairing: no pending request on ${label} matches that code\n`
      : `hermes pairing: no pending request on ${label} has that id\n`,
  );
  return Exit.failure;
}

/** `hermes pairing …`: the operator side of DM pairing (issue #5 item 4). */
export async function runPairing(argv: readonly string[], io: CliIo): Promise<number> {
  let p: Parsed;
  try {
    p = parse(argv);
  } catch (err) {
    io.stderr.write(`hermes pairing: ${(err as Error).message}\n\n${pairingHelp}\n`);
    return Exit.usage;
  }
  if (p.sub === undefined || p.sub === 'help') {
    io.stdout.write(`${pairingHelp}\n`);
    return p.sub === undefined ? Exit.usage : Exit.ok;
  }
  let config: HermesConfig;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    io.stderr.write(`${formatConfigError(err)}\n`);
    return Exit.config;
  }
  const transport = new GrpcTransport(target(config));
  const client = createClient(authzv1.AuthzService, transport);
  const call = { timeoutMs: p.timeoutMs };
  try {
    switch (p.sub) {
      case 'list':
        return await list(client, p, io, call);
      case 'approve':
        return await approve(client, p, io, call);
      case 'revoke': {
        const [platformName, userId, extra] = p.args;
        if (userId === undefined || extra !== undefined) throw new UsageError('revoke needs <platform> <user_id>');
        const platform = platformOf(platformName);
        const res = await client.revoke({ platform, userId }, call);
        if (res.revoked) {
          io.stdout.write(`revoked ${userId} on ${platformLabel(platform)}\n`);
          return Exit.ok;
        }
        io.stderr.write(`hermes pairing: ${userId} is not an approved user on ${platformLabel(platform)}\n`);
        return Exit.failure;
      }
      case 'clear-pending': {
        if (p.args.length > 1) throw new UsageError('clear-pending takes at most one platform');
        const platform = p.args[0] === undefined ? commonv1.Platform.UNSPECIFIED : platformOf(p.args[0]);
        const res = await client.clearPending({ platform }, call);
        io.stdout.write(`cleared ${res.cleared} pending request${res.cleared === 1 ? '' : 's'}\n`);
        return Exit.ok;
      }
      default:
        throw new UsageError(`unknown subcommand '${p.sub}'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`hermes pairing: ${err.message}\n\n${pairingHelp}\n`);
      return Exit.usage;
    }
    const why = err instanceof RpcError ? err.message : String(err);
    io.stderr.write(`hermes pairing: authz at ${target(config)}: ${why}\n`);
    return Exit.failure;
  } finally {
    await transport.close();
  }
}
