// Shared plumbing of `hermes approvals` and `hermes allowlist`: the approval service's gRPC endpoint
// from config, one client per command, and uniform errors (unreachable service → exit 69).
import { formatConfigError, type HermesConfig, loadConfig } from '@hermes/config';
import { approvalv1 } from '@hermes/proto';
import { type Client, createClient, GrpcTransport, RpcError } from '@hermes/rpc';
import type { CliIo } from '../cli-io.ts';
import { serviceTarget } from '../service-target.ts';

export type ApprovalClient = Client<typeof approvalv1.ApprovalService>;

/** sysexits EX_UNAVAILABLE: the approval service did not answer. */
export const EXIT_UNAVAILABLE = 69;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses `--flag value`, `--flag=value` and boolean flags; the rest (and everything after `--`) is positional. */
export function parseArgs(
  argv: readonly string[],
  spec: { values?: readonly string[]; flags?: readonly string[] },
): { values: Map<string, string>; flags: Set<string>; positional: string[] } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (spec.values?.includes(name)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`--${name} needs a value`);
        values.set(name, v);
      } else if (spec.flags?.includes(name) && eq < 0) flags.add(name);
      else throw new UsageError(`unknown option ${a}`);
    } else positional.push(a);
  }
  return { values, flags, positional };
}

export function loadCliConfig(io: CliIo): HermesConfig | undefined {
  try {
    return loadConfig(io.env);
  } catch (err) {
    io.stderr.write(`${formatConfigError(err)}\n`);
    return undefined;
  }
}

/** Runs `fn` with a gRPC client of the approval service; maps transport failures to exit 69. */
export async function withApprovalClient(
  io: CliIo,
  config: HermesConfig,
  fn: (client: ApprovalClient, timeoutMs: number) => Promise<number>,
  timeoutMs = 5_000,
): Promise<number> {
  const target = serviceTarget(config, 'approval');
  const transport = new GrpcTransport(target);
  try {
    return await fn(createClient(approvalv1.ApprovalService, transport, { caller: 'hermes-cli' }), timeoutMs);
  } catch (err) {
    if (err instanceof RpcError) {
      const unreachable = err.codeName === 'UNAVAILABLE' || err.codeName === 'DEADLINE_EXCEEDED';
      io.stderr.write(
        unreachable
          ? `hermes: the approval service at ${target} did not answer (${err.message}); is 'hermes up' running?\n`
          : `hermes: ${err.codeName}: ${err.message}\n`,
      );
      return unreachable ? EXIT_UNAVAILABLE : 1;
    }
    throw err;
  } finally {
    await transport.close();
  }
}

/** The approver name recorded with an answer (audit): `--approver`, else `cli:<user>`. */
export function approverOf(io: CliIo, explicit: string | undefined): string {
  return explicit ?? `cli:${io.env.USER ?? io.env.LOGNAME ?? 'operator'}`;
}
