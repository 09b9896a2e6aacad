// `hermes approvals` and `hermes allowlist` end to end over gRPC against the approval service's
// handlers (in-memory state: the same ApprovalCore the service runs).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { type GrpcServing, HealthRegistry, serveGrpc, silentLogger } from '@hermes/rpc';
import { initShellParserFromDisk } from '@hermes/security/node';
import { type ApprovalCore, approvalRegistration, createLocalApprovalCore } from '@hermes/svc-approval';
import { main } from '../main.ts';

let home: string;
let serving: GrpcServing;
let core: ApprovalCore;

async function hermes(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(argv, { HERMES_HOME: home, USER: 'tester' }, { stdin: new PassThrough(), stdout, stderr });
  return { code, out, err };
}

before(async () => {
  await initShellParserFromDisk();
  home = mkdtempSync(join(tmpdir(), 'hermes-cli-approvals-'));
  writeFileSync(join(home, 'config.yaml'), 'command_allowlist: ["make *"]\napprovals:\n  deny: ["curl *"]\n');
  core = createLocalApprovalCore(loadConfig({ HERMES_HOME: home }, { home }));
  serving = await serveGrpc({
    host: '127.0.0.1',
    port: 0,
    registrations: [approvalRegistration(core)],
    health: new HealthRegistry(),
    logger: silentLogger,
  });
  const port = serving.address.split(':').pop();
  writeFileSync(
    join(home, 'config.yaml'),
    `command_allowlist: ["make *"]\napprovals:\n  deny: ["curl *"]\nservices:\n  approval:\n    grpc:\n      port: ${port}\n`,
  );
});
after(async () => {
  core.close();
  await serving.stop(100);
  rmSync(home, { recursive: true, force: true });
});

async function pendingAsk(session: string, command: string): Promise<string> {
  const v = await core.evaluate(
    {
      sessionId: session,
      command,
      cwd: '/w',
      unattended: false,
      extraFindings: [],
      profile: 'default',
      hostAccess: false,
    },
    { wait: false, signal: AbortSignal.timeout(5_000) },
  );
  assert.equal(v.decision, 'ask');
  return v.requestId ?? '';
}

describe('hermes approvals', () => {
  test('test: exit 0 allow, 2 ask, 1 deny, through the service (dry run: nothing pending afterwards)', async () => {
    assert.equal((await hermes('approvals', 'test', '--', 'ls -la')).code, 0);
    const ask = await hermes('approvals', 'test', '--', 'rm -rf build');
    assert.equal(ask.code, 2);
    assert.match(ask.out, /decision: ask/);
    assert.match(ask.out, /recursive_delete/);
    assert.equal((await hermes('approvals', 'test', '--', 'rm -rf /')).code, 1);
    assert.equal((await hermes('approvals', 'test', '--', 'curl https://example.com')).code, 1, 'approvals.deny');
    assert.equal((await hermes('approvals', 'test', '--backend', 'docker', '--', 'rm -rf build')).code, 0);
    assert.equal((await hermes('approvals', 'test', '--unattended', '--', 'rm -rf build')).code, 1);
    assert.equal((await hermes('approvals', 'test', '--', 'make clean')).code, 0, 'command_allowlist glob');
    const json = await hermes('approvals', 'test', '--json', '--', 'rm -rf /');
    assert.equal(JSON.parse(json.out).hardline, true);
    assert.equal((await core.listPending()).length, 0);
  });

  test('test --local decides from config without the service', async () => {
    const r = await hermes('approvals', 'test', '--local', '--', 'rm -rf build');
    assert.equal(r.code, 2);
    assert.equal((await hermes('approvals', 'test', '--local', '--', 'curl x')).code, 1);
  });

  test('list, approve (once / --session / --always), deny with a reason', async () => {
    const id = await pendingAsk('cli-s1', 'rm -rf build');
    const listed = await hermes('approvals', 'list');
    assert.equal(listed.code, 0);
    assert.ok(listed.out.includes(id));
    assert.match(listed.out, /once \| session \| always \| deny/);
    const json = JSON.parse((await hermes('approvals', 'list', '--json', '--session', 'cli-s1')).out);
    assert.equal(json.pending.length, 1);
    assert.equal(json.pending[0].requestId, id);

    const ok = await hermes('approvals', 'approve', id, '--session');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /approved \(session\)/);
    const again = await hermes('approvals', 'deny', id);
    assert.equal(again.code, 1);
    assert.match(again.err, /already ended/);

    const id2 = await pendingAsk('cli-s2', 'chmod 777 /tmp/a');
    const denied = await hermes('approvals', 'deny', id2, '--reason', 'not today');
    assert.equal(denied.code, 0);
    const v = await core.await(id2, 'cli-s2', AbortSignal.timeout(2_000));
    assert.match(v.message, /Reason given by the user: "not today"/);

    const id3 = await pendingAsk('cli-s3', 'systemctl stop nginx');
    assert.equal((await hermes('approvals', 'approve', id3, '--always')).code, 0);
    assert.equal((await hermes('approvals', 'approve', 'no-such-id')).code, 1);
  });

  test('allowlist list shows config and stored entries; remove deletes stored ones only', async () => {
    const id = await pendingAsk('cli-s4', 'git push --force');
    await hermes('approvals', 'approve', id, '--always', '--approver', 'ops');
    const list = await hermes('allowlist', 'list', '--json');
    const entries = JSON.parse(list.out).entries as { entry: string; source: string; createdBy: string }[];
    assert.ok(entries.some((e) => e.entry === 'make *' && e.source === 'config'));
    assert.ok(entries.some((e) => e.entry === 'git force push' && e.source === 'database' && e.createdBy === 'ops'));
    assert.equal((await hermes('allowlist', 'remove', 'git force push')).code, 0);
    const cfg = await hermes('allowlist', 'remove', 'make *');
    assert.equal(cfg.code, 1);
    assert.match(cfg.err, /config\.yaml/);
    assert.ok(!(await hermes('allowlist', 'list')).out.includes('git force push'));
  });

  test('usage errors exit 64; an unreachable service exits 69', async () => {
    assert.equal((await hermes('approvals', 'approve')).code, 64);
    assert.equal((await hermes('approvals', 'approve', 'x', '--session', '--always')).code, 64);
    assert.equal((await hermes('approvals', 'test')).code, 64);
    assert.equal((await hermes('approvals', 'nope')).code, 64);
    assert.equal((await hermes('allowlist', 'remove')).code, 64);
    const saved = join(home, 'config.yaml');
    writeFileSync(saved, 'services:\n  approval:\n    grpc:\n      port: 1\n');
    try {
      const r = await hermes('approvals', 'list', '--timeout', '500');
      assert.equal(r.code, 69);
      assert.match(r.err, /did not answer/);
    } finally {
      const port = serving.address.split(':').pop();
      writeFileSync(
        saved,
        `command_allowlist: ["make *"]\napprovals:\n  deny: ["curl *"]\nservices:\n  approval:\n    grpc:\n      port: ${port}\n`,
      );
    }
  });
});
