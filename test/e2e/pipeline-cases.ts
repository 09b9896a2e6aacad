// The pipeline scenarios of issue #8 item 5, written once and run against both ways to run the
// platform (pipeline-embedded.test.ts, pipeline-distributed.test.ts).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import {
  HUMAN,
  httpJson,
  httpRun,
  type PipelinePlatform,
  RawGrpcClient,
  type RunEventJson,
  TOOL,
} from './pipeline-harness.ts';

// A GitHub token pattern, assembled by the command at run time so the command text itself is clean.
const TOKEN_TAIL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123';
const TOKEN = `ghp_${TOKEN_TAIL}`;

type AuditRow = {
  service: string;
  kind: string;
  outcome: string;
  session_id: string;
  trace_id: string;
  attributes: unknown;
};

async function auditRows(
  p: PipelinePlatform,
  session: string,
  until: (rows: AuditRow[]) => boolean,
): Promise<AuditRow[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await p.hermes(['audit', 'query', '--json', '--session', session, '--limit', '500']);
    const rows = r.code === 0 ? ((JSON.parse(r.stdout) as { records: AuditRow[] }).records ?? []) : [];
    if (until(rows) || Date.now() > deadline) return rows;
    await new Promise((res) => setTimeout(res, 300));
  }
}

export async function pipelineCases(t: TestContext, p: PipelinePlatform): Promise<void> {
  const tool = await p.createKey(TOOL, 'run');
  const human = await p.createKey(HUMAN, 'approve');
  const api = p.agentApi;
  const markers = await mkdtemp(join(tmpdir(), 'hermes-markers-'));
  t.after(() => rm(markers, { recursive: true, force: true }));

  await t.test('API call without a valid key is refused before any work (HTTP 401, gRPC UNAUTHENTICATED)', async () => {
    const before = await p.executorRuns();
    const marker = join(markers, 'no-key');
    const none = await httpRun(api, undefined, { command: `touch ${marker}` });
    assert.equal(none.status, 401);
    assert.match(none.raw, /UNAUTHENTICATED/);
    const wrong = await httpRun(api, `hk_${tool.id}_${'A'.repeat(43)}`, { command: `touch ${marker}` });
    assert.equal(wrong.status, 401);
    const grpc = new RawGrpcClient(api);
    try {
      const r = await grpc.runCommand(undefined, { command: `touch ${marker}` });
      assert.equal(r.status, 16, r.message);
      assert.equal(r.events.length, 0);
    } finally {
      grpc.close();
    }
    // A key without the scope is refused too (403).
    const noScope = await httpRun(api, human.key, { command: `touch ${marker}` });
    assert.equal(noScope.status, 403);
    assert.equal(existsSync(marker), false);
    assert.equal(await p.executorRuns(), before, 'the executor was never called');
  });

  await t.test('a safe command runs (HTTP/JSON and gRPC), GetRun reports it', async () => {
    const r = await httpRun(api, tool.key, { command: 'echo safe-$((6*7))', sessionId: 'safe' });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.stdout.trim(), 'safe-42');
    assert.equal(r.exitCode, 0, r.raw);
    const runId = r.events[0]?.runId;
    assert.ok(runId);
    const got = await httpJson(api, tool.key, 'GET', `/v1/runs/${runId}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.state, 'exited');
    assert.equal(got.json.sessionId, 'safe');
    // Another key cannot see it.
    assert.equal((await httpJson(api, human.key, 'GET', `/v1/runs/${runId}`)).status, 403);

    const grpc = new RawGrpcClient(api);
    try {
      const g = await grpc.runCommand(tool.key, { command: 'echo grpc-ok; exit 3', sessionId: 'safe' });
      assert.equal(g.status, 0, g.message);
      assert.equal(g.events[0]?.kind, 'runId');
      const out = g.events.map((e) => (e.kind === 'stdout' ? e.value.toString() : '')).join('');
      assert.equal(out.trim(), 'grpc-ok');
      assert.deepEqual(g.events.at(-1), { kind: 'exitCode', value: 3 });
    } finally {
      grpc.close();
    }
  });

  await t.test('a dangerous command asks, is approved over the API, and runs', async () => {
    const marker = join(markers, 'approved');
    let asked: RunEventJson['approval'];
    const r = await httpRun(
      api,
      tool.key,
      { command: `mkdir -p victim && rm -r victim && touch ${marker} && echo approved-ran`, sessionId: 'ask' },
      async (ev) => {
        if (!ev.approval) return;
        asked = ev.approval;
        assert.equal(existsSync(marker), false, 'nothing ran while the ask was pending');
        // The tool itself may not answer (no approve scope); the human-facing key does.
        const self = await httpJson(api, tool.key, 'POST', `/v1/approvals/${ev.approval.requestId}`, {
          choice: 'once',
        });
        assert.equal(self.status, 403);
        const ok = await httpJson(api, human.key, 'POST', `/v1/approvals/${ev.approval.requestId}`, { choice: 'once' });
        assert.equal(ok.status, 200, JSON.stringify(ok.json));
        assert.equal(ok.json.resolved, true);
      },
    );
    assert.ok(asked, r.raw);
    assert.ok(
      asked.findings.some((f) => /delete|rm/i.test(f.rule)),
      JSON.stringify(asked.findings),
    );
    assert.ok(asked.choices.includes('once'));
    assert.equal(r.stdout.trim(), 'approved-ran', r.raw);
    assert.equal(r.exitCode, 0);
    assert.equal(existsSync(marker), true);
  });

  await t.test('a dangerous command nobody answers is denied at the deadline and never runs', async () => {
    const marker = join(markers, 'timeout');
    const started = Date.now();
    const r = await httpRun(api, tool.key, {
      command: `rm -r ${markers}/nothing-here; touch ${marker}`,
      sessionId: 'silence',
    });
    assert.ok(
      r.events.some((e) => e.approval),
      r.raw,
    );
    assert.equal(r.denied?.reason, 'timeout', r.raw);
    assert.equal(r.exitCode, undefined);
    assert.ok(Date.now() - started >= 3_000, 'waited for the ask deadline');
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(existsSync(marker), false, 'the command never ran');
    // An unattended call gets approvals.unattended_mode (deny) at once instead of a wait.
    const t0 = Date.now();
    const u = await httpRun(api, tool.key, { command: `rm -r ${markers}/x; touch ${marker}`, unattended: true });
    assert.equal(u.denied?.reason, 'unattended', u.raw);
    assert.ok(!u.events.some((e) => e.approval));
    assert.ok(Date.now() - t0 < 3_000);
    assert.equal(existsSync(marker), false);
  });

  await t.test('hardline is refused and the executor never sees it', async () => {
    const before = await p.executorRuns();
    const r = await httpRun(api, tool.key, { command: 'rm -rf /', sessionId: 'hardline' });
    assert.equal(r.denied?.reason, 'hardline', r.raw);
    assert.ok(!r.events.some((e) => e.approval), 'hardline never asks');
    // `hermes --yolo exec` does not get past the floor either.
    const y = await p.hermes(['--yolo', 'exec', '--session', 'hl', '--', 'rm -rf /']);
    assert.equal(y.code, 126, y.stderr);
    assert.match(y.stderr, /denied \(hardline\)/);
    assert.equal(await p.executorRuns(), before, 'no Run call reached the executor');
    const rows = await auditRows(p, `k${tool.id}.hardline`, (rs) => rs.some((x) => x.kind === 'gateway.run'));
    assert.ok(
      rows.some((x) => x.kind === 'gateway.run' && x.outcome === 'denied'),
      JSON.stringify(rows),
    );
    assert.ok(!rows.some((x) => x.service === 'executor'), 'no executor audit event for the session');
  });

  await t.test(
    'a secret printed by a command is absent from the API response, the logs and the audit trail',
    async () => {
      const r = await httpRun(api, tool.key, {
        command: `printf 'token=%s%s\\n' ghp_ ${TOKEN_TAIL}`,
        sessionId: 'secret',
      });
      assert.equal(r.exitCode, 0, r.raw);
      assert.match(r.stdout, /token=/);
      assert.ok(!r.stdout.includes(TOKEN) && !r.raw.includes(TOKEN), r.stdout);
      assert.ok(!Buffer.from(r.raw).toString('base64').includes(Buffer.from(TOKEN).toString('base64')));
      const rows = await auditRows(
        p,
        `k${tool.id}.secret`,
        (rs) => rs.some((x) => x.kind === 'gateway.run') && rs.some((x) => x.service === 'executor'),
      );
      assert.ok(rows.length > 0);
      // One trace id across the hops: the gateway's and the executor's events of this run share it.
      const gwTrace = rows.find((x) => x.kind === 'gateway.run')?.trace_id;
      const exTrace = rows.find((x) => x.service === 'executor')?.trace_id;
      assert.ok(gwTrace && gwTrace === exTrace, JSON.stringify(rows.map((x) => [x.service, x.kind, x.trace_id])));
      const all = await p.hermes(['audit', 'query', '--json', '--limit', '1000']);
      assert.ok(!all.stdout.includes(TOKEN));
      assert.ok(!p.logs().includes(TOKEN), 'logs are clean');
    },
  );

  await t.test('hermes exec: shows the command and findings, [o]nce runs it, Enter denies', async () => {
    const ok = await p.hermes(['exec', '--', 'echo', 'exec-$((2+2))']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), 'exec-4');
    const marker = join(markers, 'exec-denied');
    const denied = await runWithInput(
      p,
      ['exec', '--session', 'e1', '--', `rm -r ${markers}/none; touch ${marker}`],
      '\n',
    );
    assert.equal(denied.code, 126, denied.stderr);
    assert.match(denied.stderr, /\[o\]nce \| \[s\]ession/);
    assert.match(denied.stderr, /rm -r/);
    assert.equal(existsSync(marker), false);
    const approved = await runWithInput(
      p,
      ['exec', '--session', 'e1', '--', `rm -r ${markers}/none2; touch ${marker}; echo done`],
      'o\n',
    );
    assert.equal(approved.code, 0, approved.stderr);
    assert.equal(approved.stdout.trim(), 'done');
    assert.equal(existsSync(marker), true);
  });

  await t.test('a revoked key stops working at once', async () => {
    const k = await p.createKey(TOOL, 'run');
    assert.equal((await httpRun(api, k.key, { command: 'true' })).status, 200);
    const rv = await p.hermes(['apikey', 'revoke', k.id]);
    assert.equal(rv.code, 0, rv.stderr);
    assert.equal((await httpRun(api, k.key, { command: 'true' })).status, 401);
    const list = await p.hermes(['apikey', 'list', '--all', '--json']);
    assert.ok(!list.stdout.includes(k.key), 'the secret is never listed');
  });
}

async function runWithInput(p: PipelinePlatform, args: readonly string[], input: string) {
  const { spawn } = await import('node:child_process');
  const { HERMES_BIN } = await import('./hermes-process.ts');
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [HERMES_BIN, ...args], { env: p.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      // Answer once the prompt is shown (as a person would).
      if (!sent && stderr.includes('Allow?')) {
        sent = true;
        child.stdin.write(input);
      }
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}
