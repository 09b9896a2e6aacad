import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { main } from './main.ts';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
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
  const code = await main(argv, env, { stdin: new PassThrough(), stdout, stderr }, new EventEmitter());
  return { code, out, err };
}

test('--version prints the version', async () => {
  const r = await run(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^hermes \d+\.\d+\.\d+\n$/);
});

test('help lists every command; no argument prints help', async () => {
  for (const argv of [['help'], []]) {
    const r = await run(argv);
    assert.equal(r.code, 0);
    for (const c of ['up', 'serve', 'health', 'config check', 'check command']) assert.match(r.out, new RegExp(c));
  }
  const r = await run(['help', 'serve']);
  assert.match(r.out, /Usage: hermes serve <service>/);
});

test('an unknown command says so and points to help, exit 64', async () => {
  const r = await run(['frobnicate']);
  assert.equal(r.code, 64);
  assert.match(r.err, /unknown command 'frobnicate'.*hermes help/);
});

test('serve refuses an unknown service and a bad backend', async () => {
  const r = await run(['serve', 'nope']);
  assert.equal(r.code, 64);
  assert.match(r.err, /unknown service 'nope'; expected one of gateway, authz/);
  const b = await run(['serve', 'executor', '--backend', 'vmware']);
  assert.equal(b.code, 64);
  assert.match(b.err, /--backend needs one of local, docker/);
});

test('config check: a file with three mistakes lists all three with key paths and exits 2, no stack', async () => {
  const home = await mkdtemp(join(tmpdir(), 'hermes-cfg-'));
  try {
    await writeFile(
      join(home, 'config.yaml'),
      [
        'approvals:',
        '  mode: sometimes',
        'terminal:',
        '  container_memory: lots',
        'security:',
        '  tirith_timeout: -3',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const r = await run(['config', 'check'], { HERMES_HOME: home });
    assert.equal(r.code, 2);
    assert.match(r.err, /approvals\.mode/);
    assert.match(r.err, /terminal\.container_memory/);
    assert.match(r.err, /security\.tirith_timeout/);
    assert.match(r.err, /config\.yaml/);
    assert.doesNotMatch(r.err, /:\d+:\d+\)?\n|node:internal|Error:/, 'no stack trace');
    assert.equal(r.out, '');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('config check prints the effective config with secrets masked', async () => {
  const home = await mkdtemp(join(tmpdir(), 'hermes-cfg-'));
  try {
    await writeFile(join(home, '.env'), 'HERMES_LLM_API_KEY=sk-live-abcdefghijklmnop1234\n', { mode: 0o600 });
    const r = await run(['config', 'check', '--json'], { HERMES_HOME: home });
    assert.equal(r.code, 0, r.err);
    const cfg = JSON.parse(r.out);
    assert.equal(cfg.approvals.mode, 'manual');
    assert.equal(cfg.approvals.timeout, 60);
    assert.doesNotMatch(r.out, /abcdefghijklmnop/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('health with nothing running reports UNREACHABLE and exits 1', async () => {
  const home = await mkdtemp(join(tmpdir(), 'hermes-cfg-'));
  try {
    // Port 1 on loopback: nothing listens there.
    const env: NodeJS.ProcessEnv = { HERMES_HOME: home };
    for (const s of ['GATEWAY', 'AUTHZ', 'AGENT', 'SCANNER', 'APPROVAL', 'EXECUTOR', 'AUDIT'])
      env[`HERMES_${s}_GRPC_PORT`] = '1';
    const r = await run(['health', '--json', '--timeout', '500'], env);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.out);
    assert.equal(report.healthy, false);
    assert.ok(report.services.every((s: { status: string }) => s.status === 'UNREACHABLE'));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('check url applies the configured website blocklist (security.website_blocklist)', async () => {
  const home = await mkdtemp(join(tmpdir(), 'hermes-cfg-'));
  try {
    await writeFile(
      join(home, 'config.yaml'),
      'security:\n  website_blocklist:\n    enabled: true\n    domains: ["*.internal.example"]\n',
      { mode: 0o600 },
    );
    const r = await run(['check', 'url', '--no-dns', 'https://admin.internal.example/x'], { HERMES_HOME: home });
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /Blocked by website policy: 'admin\.internal\.example' matched rule '\*\.internal\.example' from config/,
    );
    const open = await run(['check', 'url', '--no-dns', 'https://127.0.0.1/'], { HERMES_HOME: home });
    assert.equal(open.code, 1, 'loopback stays blocked');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
