// Issue #8 item 5, "docker and ssh backends each run a command", distributed: every service its own
// process over real NATS, Postgres and Redis, with one executor worker per backend
// (`hermes serve executor --backend docker` against a real engine and the locally built sandbox
// image, network off; `--backend ssh` against a real OpenSSH sshd with pinned host keys). The
// approval tiers differ by backend (reference: container backends skip the dangerous tier, ssh
// never does; hardline refuses everywhere), so the same dangerous command is run on both.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DockerHandle, ensureDocker, type SshdHandle, startSshd } from '@hermes/testing';
import { buildSandboxImage } from '../fixtures/sandbox-image/build-sandbox-image.ts';
import {
  HUMAN,
  httpJson,
  httpRun,
  type PipelinePlatform,
  type RunEventJson,
  startDistributed,
  TOOL,
} from './pipeline-harness.ts';

// A GitHub token pattern, assembled by the command at run time so the command text itself is clean.
const TOKEN_TAIL = 'ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvu9876';
const TOKEN = `ghp_${TOKEN_TAIL}`;

let engine: DockerHandle | undefined;
let sshd: SshdHandle | undefined;
let p: PipelinePlatform | undefined;

before(async () => {
  engine = await ensureDocker();
  const [image, s] = await Promise.all([buildSandboxImage(), startSshd()]);
  sshd = s;
  const yaml = [
    'terminal:',
    `  docker_image: ${JSON.stringify(image)}`,
    '  docker_network: false',
    '  container_memory: 256',
    '  ssh:',
    `    host: ${sshd.host}`,
    `    port: ${sshd.port}`,
    `    user: ${JSON.stringify(sshd.user)}`,
    `    key_path: ${JSON.stringify(sshd.clientKeyPath)}`,
    `    known_hosts: ${JSON.stringify(sshd.knownHostsPath)}`,
    `    remote_dir: ${JSON.stringify(`${sshd.dir}/sessions`)}`,
    '',
  ].join('\n');
  p = await startDistributed({}, { executors: ['docker', 'ssh'], configYaml: yaml });
});

after(async () => {
  await p?.[Symbol.asyncDispose]();
  // The docker backend's containers carry the worker's labels; a SIGTERMed worker removes its own.
  await sshd?.stop();
  await engine?.stop();
});

type Keys = { tool: string; human: string };
let keys: Keys | undefined;
async function keysOf(pl: PipelinePlatform): Promise<Keys> {
  keys ??= { tool: (await pl.createKey(TOOL, 'run')).key, human: (await pl.createKey(HUMAN, 'approve')).key };
  return keys;
}

/** Runs `command` on `backend`, approving any ask once; returns the run and whether it asked. */
async function runOn(
  pl: PipelinePlatform,
  backend: 'BACKEND_DOCKER' | 'BACKEND_SSH',
  command: string,
  session: string,
) {
  const k = await keysOf(pl);
  let asked: RunEventJson['approval'];
  const r = await httpRun(pl.agentApi, k.tool, { command, sessionId: session, backend }, async (ev) => {
    if (!ev.approval) return;
    asked = ev.approval;
    const ok = await httpJson(pl.agentApi, k.human, 'POST', `/v1/approvals/${ev.approval.requestId}`, {
      choice: 'once',
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
  });
  return { ...r, asked };
}

/** The session's audit rows once the gateway's `gateway.run` event has landed. */
async function auditOf(pl: PipelinePlatform, session: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await pl.hermes(['audit', 'query', '--json', '--session', session, '--limit', '200']);
    const rows =
      r.code === 0 ? ((JSON.parse(r.stdout) as { records: { service: string; kind: string }[] }).records ?? []) : [];
    if (rows.some((x) => x.kind === 'gateway.run') || Date.now() > deadline) return rows;
    await new Promise((res) => setTimeout(res, 300));
  }
}

for (const [name, backend] of [
  ['docker', 'BACKEND_DOCKER'],
  ['ssh', 'BACKEND_SSH'],
] as const) {
  test(`${name} backend runs a command through the whole pipeline; its output comes back redacted`, async () => {
    assert.ok(p);
    const r = await runOn(p, backend, `echo on-${name}-$((6*7)); printf 'token=%s%s\\n' ghp_ ${TOKEN_TAIL}`, 'run');
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.exitCode, 0, r.raw);
    assert.equal(r.asked, undefined, 'a safe command never asks');
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], `on-${name}-42`);
    assert.match(lines[1] ?? '', /^token=/);
    assert.ok(!r.stdout.includes(TOKEN) && !r.raw.includes(TOKEN), r.stdout);
    if (name === 'docker') {
      // Inside the sandbox image (busybox), not on this host: network is off (only loopback).
      const net = await runOn(p, backend, 'ls /sys/class/net | tr "\\n" " "', 'run');
      assert.equal(net.stdout.trim(), 'lo', net.raw);
    } else {
      // On the sshd's side, in the per-session remote directory.
      const cwd = await runOn(p, backend, 'pwd', 'run');
      assert.ok(cwd.stdout.trim().startsWith(`${sshd?.dir}/sessions/`), cwd.stdout);
    }
    assert.ok(!p.logs().includes(TOKEN), 'logs are clean');
  });
}

test('docker: a dangerous command is not asked (container backends skip the dangerous tier)', async () => {
  assert.ok(p);
  const r = await runOn(p, 'BACKEND_DOCKER', 'mkdir -p victim && rm -r victim && echo dangerous-ran', 'danger');
  assert.equal(r.asked, undefined, r.raw);
  assert.equal(r.stdout.trim(), 'dangerous-ran', r.raw);
  assert.equal(r.exitCode, 0);
});

test('ssh: the same dangerous command IS asked (ssh never skips), and runs once approved', async () => {
  assert.ok(p);
  const r = await runOn(p, 'BACKEND_SSH', 'mkdir -p victim && rm -r victim && echo dangerous-ran', 'danger');
  assert.ok(r.asked, r.raw);
  assert.ok(
    r.asked.findings.some((f) => /delete|rm/i.test(f.rule)),
    JSON.stringify(r.asked.findings),
  );
  assert.equal(r.stdout.trim(), 'dangerous-ran', r.raw);
  assert.equal(r.exitCode, 0);
});

for (const [name, backend] of [
  ['docker', 'BACKEND_DOCKER'],
  ['ssh', 'BACKEND_SSH'],
] as const) {
  test(`${name}: hardline is still refused and no executor saw it`, async () => {
    assert.ok(p);
    const session = `hardline-${name}`;
    const r = await runOn(p, backend, 'rm -rf /', session);
    assert.equal(r.denied?.reason, 'hardline', r.raw);
    assert.equal(r.asked, undefined, 'hardline never asks');
    // The gateway's own event lands; none from any executor for this session.
    const k = (await keysOf(p)).tool;
    const keyId = /^hk_([0-9a-f]+)_/.exec(k)?.[1];
    const rows = await auditOf(p, `k${keyId}.${session}`);
    assert.ok(
      rows.some((x) => x.kind === 'gateway.run'),
      JSON.stringify(rows),
    );
    assert.equal(rows.filter((x) => x.service === 'executor').length, 0, JSON.stringify(rows));
  });
}
