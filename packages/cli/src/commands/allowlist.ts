// `hermes allowlist list|remove` (issue #6 item 7): the permanent command allowlist — entries from
// config.yaml (`command_allowlist`, read-only here) and those "always" answers stored in Postgres.
import type { CliIo } from '../cli-io.ts';
import { loadCliConfig, parseArgs, UsageError, withApprovalClient } from './approvals-client.ts';

export const allowlistHelp = `Usage:
  hermes allowlist list [--profile <p>] [--json]
  hermes allowlist remove <entry> [--profile <p>]

Entries are dangerous-pattern keys (e.g. "recursive delete", what an "always" answer stores) or
command text / globs, which match simple commands only. Entries from command_allowlist in
config.yaml are listed with source "config" and are removed by editing that file.`;

export async function runAllowlist(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(`${allowlistHelp}\n`);
    return 0;
  }
  try {
    const a = parseArgs(rest, { values: ['profile'], flags: sub === 'list' ? ['json'] : [] });
    const profile = a.values.get('profile') ?? '';
    if (sub === 'list') {
      if (a.positional.length > 0) throw new UsageError(`unexpected argument '${a.positional[0]}'`);
    } else if (sub === 'remove') {
      if (a.positional.length !== 1) throw new UsageError('remove takes exactly one entry (quote it)');
    } else throw new UsageError(`unknown subcommand '${sub}'`);
    const config = loadCliConfig(io);
    if (!config) return 2;
    return await withApprovalClient(io, config, async (client, timeoutMs) => {
      if (sub === 'remove') {
        const res = await client.removeAllowlist({ profile, entry: a.positional[0] ?? '' }, { timeoutMs });
        (res.removed ? io.stdout : io.stderr).write(`${res.message}\n`);
        return res.removed ? 0 : 1;
      }
      const res = await client.listAllowlist({ profile }, { timeoutMs });
      const rows = res.entries.map((e) => ({
        profile: e.profile,
        entry: e.entry,
        source: e.source,
        createdBy: e.createdBy,
        requestId: e.requestId,
        createdAt: e.createdAt ? new Date(Number(e.createdAt.seconds) * 1000).toISOString() : undefined,
      }));
      if (a.flags.has('json')) io.stdout.write(`${JSON.stringify({ entries: rows })}\n`);
      else if (rows.length === 0) io.stdout.write('the allowlist is empty\n');
      else {
        for (const r of rows) {
          const who = r.source === 'database' ? `  (${r.createdBy || 'unknown'}, ${r.createdAt ?? ''})` : '';
          io.stdout.write(`${r.source.padEnd(8)}  ${r.entry}${who}\n`);
        }
      }
      return 0;
    });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`hermes allowlist: ${e.message}\n\n${allowlistHelp}\n`);
      return 64;
    }
    throw e;
  }
}
