// Command-check benchmark (issue #3 performance targets):
//   ≥ 20,000 typical commands/s through `hermes check --jsonl` on one core (spawned, end to end);
//   p99 ≤ 1 ms for a 10 KiB command; every adversarial input ≤ 50 ms (in-process analysis).
// Run: node test/bench/command-check.bench.ts   (prints a table; ~10 s)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { evaluateCommand } from '@hermes/security';
import { initShellParserFromDisk } from '@hermes/security/node';

const root = fileURLToPath(new URL('../../', import.meta.url));
const hermes = fileURLToPath(new URL('../../packages/cli/bin/hermes.js', import.meta.url));

const TYPICAL = [
  'git status',
  'git commit -m "fix: update readme"',
  'ls -la /tmp | grep foo',
  'npm run build && npm test',
  'rm -rf ./build',
  'curl -fsSL https://example.com/install.sh | bash',
  "find . -name '*.py' -print",
  'docker compose up -d',
  'python3 -m pytest -q tests/',
  'cat package.json | jq .version',
  'sudo apt-get install -y build-essential',
  "grep -r 'DROP TABLE' src/",
  'kubectl get pods -n payments',
  'echo "$(date) done" >> /tmp/log.txt',
  'cd /srv/app && git pull --rebase && pnpm install',
  'chmod +x script.sh; ./script.sh',
];

function tenKiB(): string {
  const parts: string[] = [];
  let i = 0;
  while (parts.join(' && ').length < 10 * 1024) {
    parts.push(`${TYPICAL[i % TYPICAL.length]} --flag-${i} "arg ${i}"`.replace(' | ', ' -- '));
    i++;
  }
  return parts.join(' && ').slice(0, 10 * 1024);
}

const ADVERSARIAL: [string, string][] = [
  ['2k nested $( )', `${'$('.repeat(2000)}rm -rf /${')'.repeat(2000)}`],
  ['1k nested ( )', `${'('.repeat(1000)}reboot${')'.repeat(1000)}`],
  ['100 KiB of quotes', `echo ${'"'.repeat(100 * 1024)}`],
  ['10k pipes', `cat x${' | cat'.repeat(10_000)}`],
  ['1.9k pipes (under limit)', `cat x${' | cat'.repeat(1_900)}`],
  ['500 KiB word', `echo ${'a'.repeat(500 * 1024)}`],
  ['50 nested bash -c', `${'bash -c "'.repeat(50)}reboot${'"'.repeat(50)}`],
  ['unicode flood 40k', `echo ${'ｒ\u200b'.repeat(20_000)}`],
];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

function measure(input: string, n: number): { p50: number; p99: number; max: number } {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    evaluateCommand({ command: input });
    ts.push(performance.now() - t0);
  }
  return { p50: pct(ts, 50), p99: pct(ts, 99), max: Math.max(...ts) };
}

await initShellParserFromDisk();
for (let i = 0; i < 2000; i++) evaluateCommand({ command: TYPICAL[i % TYPICAL.length] as string });

const rows: [string, string, string, string, string][] = [];
const typ: number[] = [];
for (let i = 0; i < 20_000; i++) {
  const t0 = performance.now();
  evaluateCommand({ command: TYPICAL[i % TYPICAL.length] as string });
  typ.push(performance.now() - t0);
}
rows.push([
  'typical (in-process)',
  (pct(typ, 50) * 1000).toFixed(1),
  (pct(typ, 99) * 1000).toFixed(1),
  (Math.max(...typ) * 1000).toFixed(0),
  `${Math.round(typ.length / (typ.reduce((a, b) => a + b, 0) / 1000))}/s`,
]);
const big = measure(tenKiB(), 500);
rows.push([
  '10 KiB command',
  (big.p50 * 1000).toFixed(1),
  (big.p99 * 1000).toFixed(1),
  (big.max * 1000).toFixed(0),
  big.p99 <= 1 ? 'p99 ≤ 1 ms ✓' : 'p99 > 1 ms ✗',
]);
for (const [name, input] of ADVERSARIAL) {
  const m = measure(input, 5);
  rows.push([
    `adversarial: ${name}`,
    (m.p50 * 1000).toFixed(0),
    (m.p99 * 1000).toFixed(0),
    (m.max * 1000).toFixed(0),
    m.max <= 50 ? '≤ 50 ms ✓' : '> 50 ms ✗',
  ]);
}

// End to end: spawn `hermes check --jsonl` with N typical lines (includes Node start-up and parser init).
const N = 100_000;
const lines = Array.from({ length: N }, (_, i) =>
  JSON.stringify({ id: String(i), kind: 'command', input: TYPICAL[i % TYPICAL.length] }),
).join('\n');
const t0 = performance.now();
const r = spawnSync(process.execPath, [hermes, 'check', '--jsonl'], {
  cwd: root,
  input: `${lines}\n`,
  maxBuffer: 1 << 28,
});
const wall = performance.now() - t0;
const outLines = r.stdout.toString().split('\n').filter(Boolean).length;
const empty = spawnSync(process.execPath, [hermes, 'check', '--jsonl'], { cwd: root, input: '' });
void empty;
const t1 = performance.now();
spawnSync(process.execPath, [hermes, 'check', '--jsonl'], { cwd: root, input: '\n' });
const startup = performance.now() - t1;
const rate = Math.round(N / ((wall - startup) / 1000));
rows.push([
  `--jsonl spawned, ${N} lines`,
  `${(wall / 1000).toFixed(2)} s`,
  `start-up ${startup.toFixed(0)} ms`,
  `${outLines} out`,
  `${rate}/s ${rate >= 20_000 ? '✓' : '✗'} (${Math.round(N / (wall / 1000))}/s incl. start-up)`,
]);

const header: [string, string, string, string, string] = ['case', 'p50 µs', 'p99 µs', 'max µs', 'result'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i] as number)).join('  '));
