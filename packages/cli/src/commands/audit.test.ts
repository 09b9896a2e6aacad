// `hermes audit` against a real audit service (embedded: PGlite in memory, in-process bus, gRPC).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { inProcessAuditSink, type RunningPlatform, type StartPlatformOptions, startPlatform } from '@hermes/platform';
import { silentLogger } from '@hermes/rpc';
import { createRedactor } from '@hermes/security';
import { auditService } from '@hermes/svc-audit';
import { parseWhen, runAudit } from './audit.ts';

let home: string;
let platform: RunningPlatform;
let env: NodeJS.ProcessEnv;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'hermes-cli-audit-'));
  const config = loadConfig({ HERMES_AUDIT_GRPC_PORT: '0' }, { home });
  platform = await startPlatform({
    config,
    modules: [auditService],
    logger: silentLogger as unknown as StartPlatformOptions['logger'],
    metrics: false,
  });
  env = { HERMES_HOME: home, HERMES_AUDIT_GRPC_PORT: platform.services[0]!.grpc.address.split(':').pop() };
  const redactor = createRedactor({ knownSecrets: [] });
  const authz = inProcessAuditSink(platform.auditBus!, 'authz', redactor);
  const approval = inProcessAuditSink(platform.auditBus!, 'approval', redactor);
  authz.emit({ kind: 'authz.check', outcome: 'allowed', actor: 'telegram:1' });
  authz.emit({ kind: 'authz.check', outcome: 'denied', actor: 'telegram:666', attributes: { rule: 'deny' } });
  approval.emit({ kind: 'approval.evaluate', outcome: 'denied', actor: 'telegram:1', sessionId: 's1' });
  approval.emit({ kind: 'approval.evaluate', outcome: 'asked', actor: 'telegram:1', sessionId: 's1' });
  // The in-process writer commits within milliseconds; wait until all four are in.
  for (let i = 0; i < 100; i++) {
    const r = await hermes('verify', '--json');
    if (JSON.parse(r.out || '{}').head_seq === 4) break;
    await new Promise((res) => setTimeout(res, 20));
  }
});
after(async () => {
  await platform?.stop(100);
  await rm(home, { recursive: true, force: true });
});

async function hermes(...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b) => {
    out += b;
  });
  stderr.on('data', (b) => {
    err += b;
  });
  const code = await runAudit(argv, { env, stdin: new PassThrough(), stdout, stderr });
  return { code, out, err };
}

test('query --outcome denied lists only denials, oldest first; --json gives the records', async () => {
  const text = await hermes('query', '--since', '7d', '--outcome', 'denied');
  assert.equal(text.code, 0, text.err);
  const lines = text.out.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0] ?? '', /^\s*2 \S+Z authz\.check\s+denied\s+telegram:666 \{"rule":"deny"\}$/);
  assert.match(lines[1] ?? '', /^\s+3 .*approval\.evaluate\s+denied\s+telegram:1 session=s1$/);
  assert.equal(lines[2], '2 records');
  const json = await hermes('query', '--user', 'telegram:1', '--json');
  const parsed = JSON.parse(json.out) as { records: { seq: number; outcome: string; hash: string }[] };
  assert.deepEqual(
    parsed.records.map((r) => [r.seq, r.outcome]),
    [
      [1, 'allowed'],
      [3, 'denied'],
      [4, 'asked'],
    ],
  );
  assert.match(parsed.records[0]?.hash ?? '', /^[0-9a-f]{64}$/);
  const recent = await hermes('query', '--since', '2099-01-01', '--json');
  assert.deepEqual(JSON.parse(recent.out), { records: [] });
});

test('verify reports an intact chain with exit 0', async () => {
  const r = await hermes('verify');
  assert.equal(r.code, 0);
  assert.match(r.out, /^audit chain intact: 4 records, head 4 [0-9a-f]{64}\n$/);
});

test('export without a target (none configured) fails with a clear message', async () => {
  const r = await hermes('export');
  assert.equal(r.code, 1);
  assert.match(r.err, /no export target/);
});

test('bad usage exits 64', async () => {
  assert.equal((await hermes('query', '--since', 'yesterday')).code, 64);
  assert.equal((await hermes('query', '--bogus')).code, 64);
  assert.equal((await hermes('frobnicate')).code, 64);
  assert.equal((await hermes()).code, 64);
});

test('durations are relative to now; ISO times are absolute', () => {
  const now = Date.parse('2026-03-08T00:00:00Z');
  assert.equal(parseWhen('7d', now), Date.parse('2026-03-01T00:00:00Z'));
  assert.equal(parseWhen('90m', now), now - 90 * 60_000);
  assert.equal(parseWhen('2026-01-02T03:04:05Z', now), Date.parse('2026-01-02T03:04:05Z'));
  assert.throws(() => parseWhen('7 days', now));
});
