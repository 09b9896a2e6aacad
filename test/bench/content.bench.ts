// Content-security benchmarks (issue #4 "Performance"): redaction MB/s on typical command output and
// on adversarial input (checked for linear growth), context scan of a 100 KB file, URL decision
// without DNS. Run: node test/bench/content.bench.ts  (a few seconds).
import { createRedactor, evaluateUrl, scanContextFile } from '@hermes/security';

function typicalOutput(bytes: number): string {
  const lines = [
    'drwxr-xr-x  5 root root  4096 Nov 25 10:19 packages',
    '-rw-r--r--  1 root root   246 Nov 25 10:19 package.json',
    '2024-11-25T10:19:03.123Z INFO  server listening on 0.0.0.0:8080 (pid 4242)',
    '{"level":30,"time":1732529943123,"msg":"request completed","req":{"method":"GET","url":"/health"},"status":200}',
    'src/index.ts(12,5): error TS2322: Type "string" is not assignable to type "number".',
    'commit 4f77dd0a1b2c3d4e5f60718293a4b5c6d7e8f901',
    'Author: Jane Doe <jane@example.com>',
    '    at Object.<anonymous> (/work/main/packages/cli/src/main.ts:10:15)',
    'PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 MAX_TOKENS=4096',
    '  ✓ parses config (3.2ms)   ✓ rejects unknown keys (0.4ms)',
    'Downloading https://registry.npmjs.org/undici/-/undici-8.13.1.tgz (512 kB)',
  ];
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += `${lines[i % lines.length]}\n`;
  return out;
}

const adversarial: Record<string, (n: number) => string> = {
  'a-run': (n) => 'a'.repeat(n),
  'key=': (n) => 'key='.repeat(n / 4),
  'password: x ': (n) => 'password: x '.repeat(n / 12),
  'sk-/ghp_ stubs': (n) => 'sk-a ghp_ '.repeat(n / 10),
  'BEGIN no END': (n) => '-----BEGIN RSA PRIVATE KEY-----\n'.repeat(n / 32),
  'digits:': (n) => '123456789:'.repeat(n / 10),
  'esc splices': (n) => 'ghp_\x1b[0m'.repeat(n / 10),
  'long ident=': (n) => `${'A_'.repeat(n / 2 - 8)}TOKEN=x`,
  'mysql://': (n) => 'mysql://u:'.repeat(n / 10),
};

function time(fn: () => void, minMs = 300): number {
  fn();
  let runs = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    fn();
    runs++;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return elapsed / runs;
}

const redactor = createRedactor({ knownSecrets: ['hunter2-very-secret', 'Zq8#known-value-1'] });
const rows: [string, string][] = [];
const typical = typicalOutput(2 << 20);
const ms = time(() => redactor.redact(typical));
rows.push(['redact typical output (2 MiB)', `${(typical.length / 1048576 / (ms / 1000)).toFixed(1)} MB/s`]);
for (const [name, gen] of Object.entries(adversarial)) {
  const small = gen(256 * 1024);
  const large = gen(1024 * 1024);
  const a = time(() => redactor.redact(small), 150);
  const b = time(() => redactor.redact(large), 150);
  rows.push([
    `redact adversarial '${name}' (1 MiB)`,
    `${(large.length / 1048576 / (b / 1000)).toFixed(1)} MB/s, 4x input -> ${(b / a).toFixed(1)}x time`,
  ]);
}
const ctx = typicalOutput(100 * 1024).slice(0, 100 * 1024);
const ctxMs = time(() => scanContextFile('AGENTS.md', ctx));
rows.push(['context scan 100 KB', `${ctxMs.toFixed(2)} ms`]);
const urls = [
  'http://93.184.216.34/a',
  'http://0x7f.1/',
  'http://[::ffff:169.254.169.254]/',
  'https://example.com/path?q=1',
];
const urlMs = time(() => {
  for (const u of urls) evaluateUrl(u);
});
rows.push(['URL decision without DNS', `${((urlMs * 1000) / urls.length).toFixed(2)} µs`]);

const w = Math.max(...rows.map((r) => r[0].length));
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
