// `make bench` (issue #8, Performance): RunCommand of `true` on the local backend through the whole
// pipeline — Agent API (gRPC h2c, API key) → authz → scanner → approval (signed grant) → executor —
// in distributed mode (each service its own process over NATS, Postgres, Redis). p50/p99 and runs/s
// at 1, 8 and 64 concurrent callers, the ratio to a bare child_process.spawn('true'), and the
// share of each pipeline stage from the gateway's stage timings (the same spans the traces carry).
//   node test/run-tests.ts --bench test/bench/pipeline.bench.ts
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readEndpoints } from '@hermes/platform';
import { RawGrpcClient, startDistributed, TOOL } from '../e2e/pipeline-harness.ts';

const SECONDS_PER_LEVEL = Number(process.env.BENCH_SECONDS ?? '2.5');
const LEVELS = [1, 8, 64];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function spawnTrue(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const c = spawn('true', { stdio: 'ignore' });
    c.on('exit', () => resolve());
    c.on('error', reject);
  });
}

async function measure(concurrency: number, seconds: number, one: () => Promise<void>) {
  const lat: number[] = [];
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const s = performance.now();
        await one();
        lat.push(performance.now() - s);
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { p50: pct(lat, 50), p99: pct(lat, 99), rps: lat.length / wall, n: lat.length };
}

async function stageTotals(home: string): Promise<Map<string, { sum: number; count: number }>> {
  const m = readEndpoints(home, 'gateway')?.metrics;
  const out = new Map<string, { sum: number; count: number }>();
  if (!m) return out;
  const text = await (await fetch(`http://${m}/metrics`)).text();
  for (const line of text.split('\n')) {
    const r = /^hermes_gateway_stage_seconds_(sum|count)\{.*stage="(\w+)".*\} ([0-9.e+-]+)$/.exec(line);
    if (!r) continue;
    const e = out.get(r[2] as string) ?? { sum: 0, count: 0 };
    if (r[1] === 'sum') e.sum = Number(r[3]);
    else e.count = Number(r[3]);
    out.set(r[2] as string, e);
  }
  return out;
}

/**
 * CPU time (user + system, ms) of every platform process on this host, by service, from /proc: at
 * saturation, latency is set by the CPU all processes together spend per run, not by one hop.
 */
function cpuByProcess(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const i = cmd.indexOf('serve');
      const exe = cmd[0] ?? '';
      const name =
        i >= 0 && exe.endsWith('node')
          ? (cmd[i + 1] ?? '')
          : (['nats-server', 'redis-server', 'postgres'].find((n) => exe.includes(n)) ?? '');
      // utime + stime in clock ticks (USER_HZ = 100 on Linux).
      if (name) out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // the process ended meanwhile
    }
  }
  const self = process.cpuUsage();
  out.set('bench client', (self.user + self.system) / 1000);
  return out;
}

const p = await startDistributed({ LOG_LEVEL: 'warn' });
try {
  const { key } = await p.createKey(TOOL, 'run', ['--rate', '1000000']);
  const client = new RawGrpcClient(p.agentApi);
  const one = async () => {
    const r = await client.runCommand(key, { command: 'true', sessionId: 'bench' });
    const last = r.events.at(-1);
    if (r.status !== 0 || last?.kind !== 'exitCode' || last.value !== 0) {
      throw new Error(`run failed: status ${r.status} ${r.message} ${JSON.stringify(last)}`);
    }
  };
  for (let i = 0; i < 30; i++) await one(); // warm up connections, parser, caches
  for (let i = 0; i < 20; i++) await spawnTrue();
  const bare = await measure(1, 1, spawnTrue);
  const rows: string[] = [];
  let breakdown = '';
  for (const c of LEVELS) {
    const before = await stageTotals(p.home);
    const cpuBefore = cpuByProcess();
    const r = await measure(c, SECONDS_PER_LEVEL, one);
    const cpuAfter = cpuByProcess();
    const after = await stageTotals(p.home);
    rows.push(
      `| ${String(c).padStart(3)} | ${r.p50.toFixed(2).padStart(7)} | ${r.p99.toFixed(2).padStart(7)} | ${r.rps.toFixed(0).padStart(6)} | ${(r.p50 / bare.p50).toFixed(1).padStart(5)}x | ${String(r.n).padStart(6)} |`,
    );
    if (c === 1 || c === 8) {
      const per = (s: string) => {
        const a = after.get(s);
        const b = before.get(s) ?? { sum: 0, count: 0 };
        return a && a.count > b.count ? ((a.sum - b.sum) / (a.count - b.count)) * 1000 : 0;
      };
      const stages = ['authz', 'scan', 'evaluate', 'execute'].map((s) => [s, per(s)] as const);
      const total = stages.reduce((x, [, v]) => x + v, 0);
      breakdown += `\n${c} caller${c > 1 ? 's' : ''}:\n| stage | ms | share |\n|---|---:|---:|\n`;
      breakdown += stages
        .map(
          ([s, v]) =>
            `| ${s.padEnd(8)} | ${v.toFixed(2).padStart(6)} | ${((v / total) * 100).toFixed(0).padStart(3)}% |`,
        )
        .join('\n');
      const scanEval = per('scan') + per('evaluate');
      breakdown += `\nsecurity decision (scan + evaluate): ${scanEval.toFixed(2)} ms = ${((scanEval / r.p50) * 100).toFixed(0)}% of the end-to-end p50`;
      if (c === 8) {
        const cpu = [...cpuAfter].map(([k, v]) => [k, (v - (cpuBefore.get(k) ?? 0)) / r.n] as const);
        const sum = cpu.reduce((x, [, v]) => x + v, 0);
        breakdown += `\n\nCPU per run at 8 callers (all processes, /proc): ${sum.toFixed(2)} ms\n| process | ms | share |\n|---|---:|---:|\n`;
        breakdown += cpu
          .sort((a, b) => b[1] - a[1])
          .map(
            ([k, v]) =>
              `| ${k.padEnd(12)} | ${v.toFixed(2).padStart(5)} | ${((v / sum) * 100).toFixed(0).padStart(3)}% |`,
          )
          .join('\n');
      }
    }
  }
  client.close();
  process.stdout.write(
    [
      `pipeline bench (distributed: 6 processes over NATS/Postgres/Redis; RunCommand 'true' on the local backend via the gRPC Agent API; ${SECONDS_PER_LEVEL}s per level)`,
      '',
      '| callers | p50 ms | p99 ms | runs/s | vs spawn | runs |',
      '|---:|---:|---:|---:|---:|---:|',
      ...rows,
      '',
      `bare child_process.spawn('true'): p50 ${bare.p50.toFixed(2)} ms, p99 ${bare.p99.toFixed(2)} ms`,
      '',
      'stage breakdown (mean ms per run, gateway stage spans; authz and scan run concurrently, so the stages sum to more than the wall time):',
      breakdown,
      '',
    ].join('\n'),
  );
} finally {
  await p[Symbol.asyncDispose]();
}
