// vercel-sandbox backend against fake-vercel-sandbox (Vercel is not reachable here): one microVM
// per session, created on first use, reused, stopped on EndSession; output streams while the
// command runs; env is exactly the explicit list; the per-run timeout kills the command; API
// errors map to clear statuses without echoing the token. The last test runs against the real
// Vercel API when VERCEL_TOKEN (and VERCEL_PROJECT_ID, VERCEL_TEAM_ID) are set.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { Code, RpcError } from '@hermes/rpc';
import {
  type FakeVercelSandbox,
  startFakeVercelSandbox,
} from '../../../test/fixtures/fake-vercel-sandbox/fake-vercel-sandbox.ts';
import { createBackend } from '../src/backends/create-backend.ts';
import { VercelSandboxApi } from '../src/backends/vercel-sandbox/vercel-sandbox-api.ts';
import { VercelSandboxBackend } from '../src/backends/vercel-sandbox/vercel-sandbox-backend.ts';
import { BackendConfigError, InvalidRunInputError } from '../src/errors.ts';
import { collect, Grants, makeWorker, PLATFORM_SECRET, quietLogger, rawRun } from './worker-harness.ts';

const TOKEN = 'vcp_test_token_0123456789abcdef';
const TEAM = 'team_test';

function hasCode(code: Code, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof RpcError, `expected RpcError, got ${String(e)}`);
    assert.equal(e.code, code, `${e.codeName}: ${e.message}`);
    assert.ok(!e.message.includes(TOKEN), 'the token leaked into the error message');
    if (re) assert.match(e.message, re);
    return true;
  };
}

describe('vercel-sandbox backend (fake-vercel-sandbox)', () => {
  let fake: FakeVercelSandbox;
  let root: string;
  const ref = (sessionId: string) => ({ sessionId, taskKey: sessionId, messaging: false });
  const backend = (token = TOKEN, apiUrl?: string) =>
    new VercelSandboxBackend({
      api: new VercelSandboxApi({ token, teamId: TEAM, apiUrl: apiUrl ?? fake.url }),
      projectId: 'prj_test',
      network: false,
      root,
      pollIntervalMs: 10,
      clock: Date.now,
    });

  before(async () => {
    fake = await startFakeVercelSandbox(TOKEN, TEAM);
    root = await mkdtemp(join(tmpdir(), 'hermes-vercel-'));
  });
  after(async () => {
    await fake.close();
    await rm(root, { recursive: true, force: true });
  });

  test('create → run → reuse → stop: one sandbox per session, explicit env, exit code, streams', async () => {
    const grants = new Grants();
    const worker = makeWorker(backend(), grants);
    const script = 'echo "out:$HERMES_X"; echo err >&2; env; echo data > file; exit 3';
    const r1 = await collect(worker, {
      ...rawRun({ sessionId: 's1', script, env: { HERMES_X: 'yes' } }),
      grant: await grants.issue({ sessionId: 's1', script, backend: 'vercel-sandbox' }),
    });
    assert.equal(r1.result?.exitCode, 3);
    assert.match(r1.stdout, /^out:yes$/m);
    assert.equal(r1.stderr, 'err\n');
    assert.ok(!r1.stdout.includes(PLATFORM_SECRET));
    const cmdCall = fake.calls.find((c) => c.method === 'POST' && c.path.endsWith('/cmd'));
    const body = cmdCall?.body as { command: string; args: string[]; env: Record<string, string>; cwd: string };
    assert.deepEqual([body.command, ...body.args], ['bash', '-c', script]);
    assert.equal(body.cwd, root);
    assert.deepEqual(Object.keys(body.env).sort(), ['HERMES_X', 'HOME', 'LANG', 'SHELL', 'TMPDIR']);
    assert.equal(cmdCall?.query.teamId, TEAM);
    const create = fake.calls.filter((c) => c.method === 'POST' && c.path === '/v1/sandboxes');
    assert.equal(create.length, 1);
    const createBody = create[0]?.body as { networkPolicy: unknown };
    assert.deepEqual(createBody.networkPolicy, { mode: 'deny-all' });

    const again = 'cat file';
    const r2 = await collect(worker, {
      ...rawRun({ sessionId: 's1', script: again }),
      grant: await grants.issue({ sessionId: 's1', script: again, backend: 'vercel-sandbox' }),
    });
    assert.equal(r2.stdout, 'data\n');
    assert.equal(fake.calls.filter((c) => c.method === 'POST' && c.path === '/v1/sandboxes').length, 1);
    assert.equal(fake.sandboxes.size, 1);
    assert.equal(await worker.endSession('s1'), true);
    assert.equal(fake.sandboxes.size, 0, 'EndSession did not stop the sandbox');
    await worker.close();
  });

  test('output streams while the command runs', async () => {
    const grants = new Grants();
    const worker = makeWorker(backend(), grants);
    const script = 'echo first; sleep 1; echo second';
    const t0 = Date.now();
    let firstAt = 0;
    const r = await collect(
      worker,
      {
        ...rawRun({ sessionId: 's4', script }),
        grant: await grants.issue({ sessionId: 's4', script, backend: 'vercel-sandbox' }),
      },
      {
        onEvent: (e) => {
          if (e.kind === 'output' && firstAt === 0) firstAt = Date.now() - t0;
        },
      },
    );
    assert.equal(r.stdout, 'first\nsecond\n');
    assert.ok(firstAt > 0 && firstAt < Date.now() - t0 - 500, `first output only at ${firstAt} ms`);
    await worker.close();
  });

  test('the per-run timeout kills the command (kill endpoint, SIGKILL)', async () => {
    const grants = new Grants();
    const worker = makeWorker(backend(), grants);
    const script = 'echo started; sleep 30; echo never';
    const t0 = Date.now();
    const r = await collect(worker, {
      ...rawRun({ sessionId: 's2', script, timeoutMs: 600 }),
      grant: await grants.issue({ sessionId: 's2', script, backend: 'vercel-sandbox' }),
    });
    assert.equal(r.result?.timedOut, true);
    assert.ok(Date.now() - t0 < 5000, 'timeout took too long');
    assert.equal(r.stdout, 'started\n');
    const kill = fake.calls.find((c) => c.path.endsWith('/kill'));
    assert.deepEqual(kill?.body, { signal: 9 });
    const sb = [...fake.sandboxes.values()][0];
    const cmd = sb ? [...sb.commands.values()][0] : undefined;
    for (let i = 0; i < 50 && cmd?.exitCode === null; i++) await new Promise((res) => setTimeout(res, 20));
    assert.notEqual(cmd?.exitCode, null, 'the command survived the timeout');
    await worker.close();
    assert.equal(fake.sandboxes.size, 0);
  });

  test('stdin is refused', async () => {
    const b = backend();
    const s = await b.openSession(ref('s3'), new AbortController().signal);
    await assert.rejects(
      b.exec(s, { argv: ['cat'], cwd: root, env: {}, stdin: Buffer.from('x') }, new AbortController().signal),
      (e: unknown) => e instanceof InvalidRunInputError && e.field === 'stdin',
    );
    await b.closeSession(s);
  });

  test('API errors map to statuses and never echo the token', async () => {
    const signal = new AbortController().signal;
    await assert.rejects(backend('wrong-token-xx').openSession(ref('e1'), signal), hasCode(Code.PERMISSION_DENIED));
    fake.failNext('/v1/sandboxes', 401, 'token expired');
    await assert.rejects(backend().openSession(ref('e2'), signal), hasCode(Code.UNAUTHENTICATED, /token expired/));
    fake.failNext('/v1/sandboxes', 400, `invalid runtime for token ${TOKEN}`);
    await assert.rejects(backend().openSession(ref('e3'), signal), hasCode(Code.INVALID_ARGUMENT, /\[redacted\]/));
    fake.failNext('/v1/sandboxes', 502, 'bad gateway');
    await assert.rejects(backend().openSession(ref('e4'), signal), hasCode(Code.UNAVAILABLE, /HTTP 502/));
    fake.failNext('/v1/sandboxes', 429, 'rate limited');
    await assert.rejects(backend().openSession(ref('e5'), signal), hasCode(Code.RESOURCE_EXHAUSTED));
    await assert.rejects(
      backend(TOKEN, 'http://127.0.0.1:1').openSession(ref('e6'), signal),
      hasCode(Code.UNAVAILABLE, /not reachable/),
    );
    // Lost mid-run: UNAVAILABLE, and the command is not sent again.
    const b = backend();
    const s = await b.openSession(ref('e7'), signal);
    fake.dropNext('wait=true');
    const cmd = await b.exec(s, { argv: ['true'], cwd: root, env: {}, stdin: undefined }, signal);
    await assert.rejects(cmd.exit, hasCode(Code.UNAVAILABLE));
    assert.equal(fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/cmd')).length >= 1, true);
    const sent = fake.calls.filter(
      (c) => c.method === 'POST' && c.path === `/v1/sandboxes/${[...fake.sandboxes.keys()].at(-1)}/cmd`,
    );
    assert.equal(sent.length, 1);
    await b.closeSession(s);
  });

  test('createBackend: terminal.vercel_sandbox.* → calls with that token, team and project', async () => {
    const home = await mkdtemp(join(tmpdir(), 'hermes-vercel-home-'));
    try {
      const ctx = (env: Record<string, string>) => ({
        config: loadConfig({ HERMES_HOME: home, ...env }),
        env: {},
        clock: Date.now,
        workerId: 'wcfg',
        logger: quietLogger,
      });
      await assert.rejects(
        createBackend('vercel-sandbox', ctx({})),
        (e: unknown) => e instanceof BackendConfigError && e.key === 'terminal.vercel_sandbox.token',
      );
      await assert.rejects(
        createBackend('vercel-sandbox', ctx({ VERCEL_TOKEN: TOKEN })),
        (e: unknown) => e instanceof BackendConfigError && e.key === 'terminal.vercel_sandbox.project_id',
      );
      await writeFile(
        join(home, 'config.yaml'),
        `terminal:\n  container_cpu: 3\n  vercel_sandbox:\n    api_url: ${fake.url}\n`,
      );
      const b = await createBackend(
        'vercel-sandbox',
        ctx({ VERCEL_TOKEN: TOKEN, VERCEL_TEAM_ID: TEAM, VERCEL_PROJECT_ID: 'prj_cfg' }),
      );
      assert.ok(b instanceof VercelSandboxBackend);
      assert.equal(b.rootFor(), '/vercel/sandbox');
      const n = fake.calls.length;
      const s = await b.openSession(ref('cfg'), new AbortController().signal);
      const create = fake.calls[n];
      assert.equal(create?.auth, `Bearer ${TOKEN}`);
      assert.equal(create?.query.teamId, TEAM);
      const body = create?.body as { projectId: string; resources: { vcpus: number }; runtime: string };
      assert.equal(body.projectId, 'prj_cfg');
      assert.equal(body.resources.vcpus, 4, 'container_cpu 3 → 4 vCPUs (Vercel takes 1 or an even number)');
      assert.equal(body.runtime, 'node22');
      await b.closeSession(s);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

const real = process.env.VERCEL_TOKEN;
test(
  'real Vercel Sandbox: create → run → stop',
  real && process.env.VERCEL_PROJECT_ID
    ? {}
    : { skip: 'VERCEL_TOKEN/VERCEL_PROJECT_ID not set: real Vercel Sandbox not reachable from this sandbox' },
  async () => {
    const b = new VercelSandboxBackend({
      api: new VercelSandboxApi({
        token: real as string,
        ...(process.env.VERCEL_TEAM_ID ? { teamId: process.env.VERCEL_TEAM_ID } : {}),
      }),
      projectId: process.env.VERCEL_PROJECT_ID as string,
      network: false,
      clock: Date.now,
    });
    const signal = new AbortController().signal;
    const s = await b.openSession({ sessionId: 'real', taskKey: 'real', messaging: false }, signal);
    try {
      const cmd = await b.exec(
        s,
        { argv: ['sh', '-c', 'echo "hi:$X"; exit 4'], cwd: b.rootFor(), env: { X: '1' }, stdin: undefined },
        signal,
      );
      let out = '';
      for await (const c of cmd.stdout) out += String(c);
      assert.equal((await cmd.exit).exitCode, 4);
      assert.equal(out, 'hi:1\n');
    } finally {
      await b.closeSession(s);
    }
  },
);
