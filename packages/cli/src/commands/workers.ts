// `hermes workers` (issue #7 item 7): the live executor fleet from its heartbeats — backend, host,
// images, capacity and load — asked of any executor worker over gRPC (each keeps the fleet registry).
import { commonv1, executorv1 } from '@hermes/proto';
import { createClient, GrpcTransport, RpcError } from '@hermes/rpc';
import type { CliIo } from '../cli-io.ts';
import { serviceTarget } from '../service-target.ts';
import { EXIT_UNAVAILABLE, loadCliConfig, parseArgs, UsageError } from './approvals-client.ts';

export const workersHelp = `Usage:
  hermes workers [--json] [--timeout <ms>]

Lists the live executor workers of every backend (from their heartbeats): id, backend, host, load
(active runs / capacity), sessions, warm containers, images, seconds since the last heartbeat.
Exits 69 when no executor answers, 2 on bad configuration, 64 on bad usage.`;

const timestampMs = (t: { seconds: bigint; nanos: number }): number =>
  Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);

const backendName = (b: commonv1.Backend): string =>
  (commonv1.Backend[b] ?? 'unspecified').toLowerCase().replace(/_/g, '-');

export interface WorkerRow {
  readonly workerId: string;
  readonly backend: string;
  readonly host: string;
  readonly activeRuns: number;
  readonly capacity: number;
  readonly sessions: number;
  readonly warm: number;
  readonly images: readonly string[];
  readonly version: string;
  readonly startedAt: string | undefined;
  readonly lastHeartbeatAgeMs: number | undefined;
}

export function workerRows(workers: readonly executorv1.WorkerInfo[], now: number): WorkerRow[] {
  return workers.map((w) => ({
    workerId: w.workerId,
    backend: backendName(w.backend),
    host: w.host,
    activeRuns: w.activeRuns,
    capacity: w.capacity,
    sessions: w.sessions,
    warm: w.warm,
    images: [...w.images],
    version: w.version,
    startedAt: w.startedAt ? new Date(timestampMs(w.startedAt)).toISOString() : undefined,
    lastHeartbeatAgeMs: w.lastHeartbeat ? Math.max(0, now - timestampMs(w.lastHeartbeat)) : undefined,
  }));
}

export function formatWorkerTable(rows: readonly WorkerRow[]): string {
  if (rows.length === 0) return 'no live executor workers\n';
  const head = ['WORKER', 'BACKEND', 'HOST', 'LOAD', 'SESSIONS', 'WARM', 'SEEN', 'IMAGES'];
  const body = rows.map((r) => [
    r.workerId,
    r.backend,
    r.host,
    `${r.activeRuns}/${r.capacity}`,
    String(r.sessions),
    String(r.warm),
    r.lastHeartbeatAgeMs === undefined ? '-' : `${(r.lastHeartbeatAgeMs / 1000).toFixed(1)}s`,
    r.images.join(',') || '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...body.map(line)].join('\n')}\n`;
}

export async function runWorkers(argv: readonly string[], io: CliIo): Promise<number> {
  let a: ReturnType<typeof parseArgs>;
  try {
    a = parseArgs(argv, { values: ['timeout'], flags: ['json', 'help'] });
    if (a.positional.length > 0) throw new UsageError(`unexpected argument '${a.positional[0]}'`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`hermes workers: ${e.message}\n\n${workersHelp}\n`);
    return 64;
  }
  if (a.flags.has('help')) {
    io.stdout.write(`${workersHelp}\n`);
    return 0;
  }
  const config = loadCliConfig(io);
  if (!config) return 2;
  const target = serviceTarget(config, 'executor');
  const transport = new GrpcTransport(target);
  try {
    const client = createClient(executorv1.ExecutorService, transport, { caller: 'hermes-cli' });
    const res = await client.listWorkers({}, { timeoutMs: Number(a.values.get('timeout') ?? 5000) });
    const rows = workerRows(res.workers, Date.now());
    io.stdout.write(a.flags.has('json') ? `${JSON.stringify(rows, null, 2)}\n` : formatWorkerTable(rows));
    return 0;
  } catch (err) {
    if (err instanceof RpcError) {
      const unreachable = err.codeName === 'UNAVAILABLE' || err.codeName === 'DEADLINE_EXCEEDED';
      io.stderr.write(
        unreachable
          ? `hermes: no executor answered at ${target} (${err.message}); is 'hermes up' or 'hermes serve executor' running?\n`
          : `hermes: ${err.codeName}: ${err.message}\n`,
      );
      return unreachable ? EXIT_UNAVAILABLE : 1;
    }
    throw err;
  } finally {
    await transport.close();
  }
}
