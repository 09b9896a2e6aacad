import { formatConfigError, type HermesConfig, loadConfig } from '@hermes/config';
import { auditv1 } from '@hermes/proto';
import { type Client, createClient, GrpcTransport, RpcError } from '@hermes/rpc';
import { type CliIo, Exit } from '../cli-io.ts';
import { serviceTarget } from '../service-target.ts';

export const auditHelp = `Usage: hermes audit <subcommand> [options]

Reads and checks the audit trail on the running audit service (gRPC at services.audit.grpc).

  query [filters] [--json]     the newest matching records, oldest first
      --since <7d|12h|30m|ISO-8601>   only events at or after this (relative to now)
      --until <… same forms …>        only events before this
      --outcome <o>                   e.g. denied, allowed, asked, timeout
      --user <actor>                  the acting user, e.g. telegram:42
      --kind <k>  --service <s>  --session <id>
      --limit <n>                     default 100, at most 10000
  verify [--json]              walk the hash chain; exit 1 and name the first broken link if any
  export [--to s3://bucket/prefix] [--full] [--json]
                               write records not yet exported (default target audit.export.to;
                               --full writes everything again)

Options: --timeout <ms> (default 30000).
Exit codes: 0 done (verify: chain intact), 1 chain broken or service error, 2 bad configuration,
64 bad usage.`;

type AuditClient = Client<typeof auditv1.AuditService>;

const timestampFromMs = (ms: number) => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 });
const timestampMs = (t: { seconds: bigint; nanos: number }) => Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d`, `12h`, `30m`, `45s`, `2w` before now, or an ISO-8601 date/time. */
export function parseWhen(value: string, now: number): number {
  const rel = /^(\d{1,6})([smhdw])$/.exec(value);
  if (rel) return now - Number(rel[1]) * (UNIT_MS[rel[2] ?? ''] ?? 0);
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  throw new UsageError(`'${value}' is not a duration (7d, 12h, 30m) or an ISO-8601 time`);
}

interface Parsed {
  readonly sub: string | undefined;
  readonly rest: string[];
  readonly flags: Map<string, string>;
  readonly json: boolean;
  readonly full: boolean;
  readonly timeoutMs: number;
}

const VALUE_FLAGS = new Set([
  '--since',
  '--until',
  '--outcome',
  '--user',
  '--kind',
  '--service',
  '--session',
  '--limit',
  '--to',
  '--timeout',
]);

function parse(argv: readonly string[]): Parsed {
  const rest: string[] = [];
  const flags = new Map<string, string>();
  let json = false;
  let full = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--json') json = true;
    else if (a === '--full') full = true;
    else if (VALUE_FLAGS.has(a)) {
      const v = argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${a} needs a value`);
      flags.set(a, v);
    } else if (a.startsWith('--')) throw new UsageError(`unknown option '${a}'`);
    else rest.push(a);
  }
  const t = flags.get('--timeout') ?? '30000';
  if (!/^\d{1,7}$/.test(t)) throw new UsageError('--timeout needs milliseconds');
  const [sub, ...more] = rest;
  return { sub, rest: more, flags, json, full, timeoutMs: Number(t) };
}

function target(config: HermesConfig): string {
  return serviceTarget(config, 'audit');
}

function flatten(r: auditv1.AuditRecord) {
  const e = r.event;
  return {
    seq: Number(r.seq),
    time: e?.time ? new Date(timestampMs(e.time)).toISOString() : '',
    service: e?.service ?? '',
    kind: e?.kind ?? '',
    outcome: e?.outcome ?? '',
    actor: e?.actor ?? '',
    session_id: e?.sessionId ?? '',
    trace_id: e?.traceId ?? '',
    id: e?.id ?? '',
    attributes: e?.attributes ?? null,
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

async function query(client: AuditClient, p: Parsed, io: CliIo, call: { timeoutMs: number }): Promise<number> {
  const now = Date.now();
  const since = p.flags.get('--since');
  const until = p.flags.get('--until');
  const limit = p.flags.get('--limit');
  if (limit !== undefined && !/^\d{1,5}$/.test(limit)) throw new UsageError('--limit needs a number');
  const res = await client.query(
    {
      ...(since ? { since: timestampFromMs(parseWhen(since, now)) } : {}),
      ...(until ? { until: timestampFromMs(parseWhen(until, now)) } : {}),
      outcome: p.flags.get('--outcome') ?? '',
      actor: p.flags.get('--user') ?? '',
      kind: p.flags.get('--kind') ?? '',
      service: p.flags.get('--service') ?? '',
      sessionId: p.flags.get('--session') ?? '',
      limit: limit === undefined ? 0 : Number(limit),
    },
    call,
  );
  const rows = res.records.map(flatten);
  if (p.json) {
    io.stdout.write(`${JSON.stringify({ records: rows })}\n`);
    return Exit.ok;
  }
  for (const r of rows) {
    const who = r.actor ? ` ${r.actor}` : '';
    const session = r.session_id ? ` session=${r.session_id}` : '';
    const attrs = r.attributes && Object.keys(r.attributes).length > 0 ? ` ${JSON.stringify(r.attributes)}` : '';
    io.stdout.write(
      `${String(r.seq).padStart(6)} ${r.time} ${r.kind.padEnd(22)} ${r.outcome.padEnd(9)}${who}${session}${attrs}\n`,
    );
  }
  io.stdout.write(`${rows.length} record${rows.length === 1 ? '' : 's'}\n`);
  return Exit.ok;
}

async function verify(client: AuditClient, p: Parsed, io: CliIo, call: { timeoutMs: number }): Promise<number> {
  const v = await client.verify({}, call);
  const out = {
    intact: v.intact,
    checked: Number(v.checked),
    first_broken_seq: Number(v.firstBrokenSeq),
    reason: v.reason,
    head_seq: Number(v.headSeq),
    head_hash: v.headHash,
  };
  if (p.json) io.stdout.write(`${JSON.stringify(out)}\n`);
  else if (v.intact)
    io.stdout.write(`audit chain intact: ${out.checked} records, head ${out.head_seq} ${out.head_hash}\n`);
  else
    io.stdout.write(
      `audit chain BROKEN at seq ${out.first_broken_seq}: ${out.reason} (${out.checked} records intact before it)\n`,
    );
  return v.intact ? Exit.ok : Exit.failure;
}

async function exportTo(client: AuditClient, p: Parsed, io: CliIo, call: { timeoutMs: number }): Promise<number> {
  const res = await client.export({ to: p.flags.get('--to') ?? '', full: p.full }, call);
  const out = {
    records: Number(res.records),
    first_seq: Number(res.firstSeq),
    last_seq: Number(res.lastSeq),
    keys: res.keys,
  };
  if (p.json) io.stdout.write(`${JSON.stringify(out)}\n`);
  else if (out.records === 0) io.stdout.write('nothing new to export\n');
  else {
    io.stdout.write(
      `exported records ${out.first_seq}..${out.last_seq} (${out.records}) in ${out.keys.length} object(s)\n`,
    );
    for (const k of out.keys) io.stdout.write(`  ${k}\n`);
  }
  return Exit.ok;
}

/** `hermes audit …`: the operator side of the audit trail (issue #8 item 4). */
export async function runAudit(argv: readonly string[], io: CliIo): Promise<number> {
  let p: Parsed;
  try {
    p = parse(argv);
    if (p.sub === undefined || p.sub === 'help') {
      io.stdout.write(`${auditHelp}\n`);
      return p.sub === undefined ? Exit.usage : Exit.ok;
    }
    if (!['query', 'verify', 'export'].includes(p.sub)) throw new UsageError(`unknown subcommand '${p.sub}'`);
    if (p.rest.length > 0) throw new UsageError(`unexpected argument '${p.rest[0]}'`);
  } catch (err) {
    io.stderr.write(`hermes audit: ${(err as Error).message}\n\n${auditHelp}\n`);
    return Exit.usage;
  }
  let config: HermesConfig;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    io.stderr.write(`${formatConfigError(err)}\n`);
    return Exit.config;
  }
  const transport = new GrpcTransport(target(config));
  const client = createClient(auditv1.AuditService, transport);
  const call = { timeoutMs: p.timeoutMs };
  try {
    if (p.sub === 'query') return await query(client, p, io, call);
    if (p.sub === 'verify') return await verify(client, p, io, call);
    return await exportTo(client, p, io, call);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`hermes audit: ${err.message}\n\n${auditHelp}\n`);
      return Exit.usage;
    }
    const why = err instanceof RpcError ? err.message : String(err);
    io.stderr.write(`hermes audit: audit at ${target(config)}: ${why}\n`);
    return Exit.failure;
  } finally {
    await transport.close();
  }
}
