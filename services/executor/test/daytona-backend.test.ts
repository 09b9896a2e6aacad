// daytona backend against fake-daytona (Daytona's cloud is not reachable here): one sandbox per
// session created on first use, reused, deleted on EndSession; commands with an explicit env only;
// the per-run timeout kills the command; API errors map to clear statuses without echoing the key.
// The last test runs against the real Daytona API when DAYTONA_API_KEY is set.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { Code, RpcError } from '@hermes/rpc';
import {
  FAKE_DAEMON_SECRET,
  type FakeDaytona,
  startFakeDaytona,
} from '../../../test/fixtures/fake-daytona/fake-daytona.ts';
import { createBackend } from '../src/backends/create-backend.ts';
import { DAYTONA_DEFAULT_API_URL, DaytonaApi } from '../src/backends/daytona/daytona-api.ts';
import { DaytonaBackend } from '../src/backends/daytona/daytona-backend.ts';
import { BackendConfigError, InvalidRunInputError } from '../src/errors.ts';
import { collect, Grants, makeWorker, PLATFORM_SECRET, quietLogger, rawRun } from './worker-harness.ts';

const KEY = 'dtn_test_key_0123456789abcdef';

function hasCode(code: Code, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof RpcError, `expected RpcError, got ${String(e)}`);
    assert.equal(e.codeName, Object.entries(Code).find(([, v]) => v === code)?.[0]);
    assert.ok(!e.message.includes(KEY), 'the API key leaked into the error message');
    if (re) assert.match(e.message, re);
    return true;
  };
}

describe('daytona backend (fake-daytona)', () => {
  let fake: FakeDaytona;
  let root: string;
  const ref = (sessionId: string) => ({ sessionId, taskKey: sessionId, messaging: false });
  const backend = (apiKey = KEY, apiUrl?: string) =>
    new DaytonaBackend({
      api: new DaytonaApi({ apiKey, apiUrl: apiUrl ?? fake.url }),
      root,
      network: false,
      labels: { 'hermes.worker': 'wtest' },
      pollIntervalMs: 10,
      clock: Date.now,
    });

  before(async () => {
    fake = await startFakeDaytona(KEY);
    root = await mkdtemp(join(tmpdir(), 'hermes-daytona-'));
    process.env.HERMES_TEST_PLATFORM_SECRET = PLATFORM_SECRET;
  });
  after(async () => {
    delete process.env.HERMES_TEST_PLATFORM_SECRET;
    await fake.close();
    await rm(root, { recursive: true, force: true });
  });

  test('create → run → reuse → delete: one sandbox per session, explicit env, exit code and both streams', async () => {
    const grants = new Grants();
    const worker = makeWorker(backend(), grants);
    const script = 'echo "out:$HERMES_X"; echo err >&2; env; echo data > file; exit 3';
    const r1 = await collect(worker, {
      ...rawRun({ sessionId: 's1', script, env: { HERMES_X: 'yes' } }),
      grant: await grants.issue({ sessionId: 's1', script, backend: 'daytona' }),
    });
    assert.equal(r1.result?.exitCode, 3);
    assert.match(r1.stdout, /^out:yes$/m);
    assert.equal(r1.stderr, 'err\n');
    assert.ok(!r1.stdout.includes(FAKE_DAEMON_SECRET), "the daemon's environment reached the command");
    assert.ok(!r1.stdout.includes(PLATFORM_SECRET), "the worker's environment reached the command");
    assert.match(r1.stdout, /^HOME=\/home\/daytona$/m);
    assert.equal(fake.sandboxes.size, 1);
    const created = fake.calls.filter((c) => c.method === 'POST' && c.path === '/sandbox');
    assert.equal(created.length, 1);
    const body = created[0]?.body as { networkBlockAll: boolean; labels: Record<string, string> };
    assert.equal(body.networkBlockAll, true);
    assert.equal(body.labels['hermes.session'], 's1');

    const again = 'cat file';
    const r2 = await collect(worker, {
      ...rawRun({ sessionId: 's1', script: again }),
      grant: await grants.issue({ sessionId: 's1', script: again, backend: 'daytona' }),
    });
    assert.equal(r2.result?.exitCode, 0);
    assert.equal(r2.stdout, 'data\n', 'the second run did not reuse the session sandbox');
    assert.equal(fake.calls.filter((c) => c.method === 'POST' && c.path === '/sandbox').length, 1);

    assert.equal(await worker.endSession('s1'), true);
    assert.equal(fake.sandboxes.size, 0, 'EndSession did not delete the sandbox');
    await worker.close();
  });

  test('the per-run timeout kills the command in the sandbox (its process session is deleted)', async () => {
    const grants = new Grants();
    const worker = makeWorker(backend(), grants);
    const script = 'echo started; sleep 30; echo never';
    const t0 = Date.now();
    const r = await collect(worker, {
      ...rawRun({ sessionId: 's2', script, timeoutMs: 600 }),
      grant: await grants.issue({ sessionId: 's2', script, backend: 'daytona' }),
    });
    assert.equal(r.result?.timedOut, true);
    assert.ok(Date.now() - t0 < 5000, 'timeout took too long');
    assert.ok(!r.stdout.includes('never'));
    const sb = [...fake.sandboxes.values()][0];
    assert.ok(sb);
    for (let i = 0; i < 50 && sb.sessions.size > 0; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(sb.sessions.size, 0, 'the process session (and its command) survived the timeout');
    await worker.close();
    assert.equal(fake.sandboxes.size, 0, 'worker close did not delete the sandbox');
  });

  test('stdin is refused with a clear INVALID_ARGUMENT-class error', async () => {
    const b = backend();
    const s = await b.openSession(ref('s3'), new AbortController().signal);
    await assert.rejects(
      b.exec(s, { argv: ['cat'], cwd: root, env: {}, stdin: Buffer.from('x') }, new AbortController().signal),
      (e: unknown) => e instanceof InvalidRunInputError && e.field === 'stdin',
    );
    await b.closeSession(s);
  });

  test('API errors map to statuses and never echo the key', async () => {
    const signal = new AbortController().signal;
    await assert.rejects(backend('wrong-key-xxxx').openSession(ref('e1'), signal), hasCode(Code.UNAUTHENTICATED));
    fake.failNext('/sandbox', 403, 'forbidden for organization');
    await assert.rejects(backend().openSession(ref('e2'), signal), hasCode(Code.PERMISSION_DENIED, /HTTP 403/));
    fake.failNext('/sandbox', 400, `snapshot not found (key ${KEY})`);
    await assert.rejects(backend().openSession(ref('e3'), signal), hasCode(Code.INVALID_ARGUMENT, /\[redacted\]/));
    fake.failNext('/sandbox', 503, 'runner unavailable');
    await assert.rejects(backend().openSession(ref('e4'), signal), hasCode(Code.UNAVAILABLE, /HTTP 503/));
    await assert.rejects(
      backend(KEY, 'http://127.0.0.1:1').openSession(ref('e5'), signal),
      hasCode(Code.UNAVAILABLE, /not reachable/),
    );
    // Lost mid-run: the run fails with UNAVAILABLE; the command is not sent again.
    const b = backend();
    const s = await b.openSession(ref('e6'), signal);
    fake.dropNext('/exec');
    const before = fake.calls.filter((c) => c.path.endsWith('/exec')).length;
    const cmd = await b.exec(s, { argv: ['true'], cwd: root, env: {}, stdin: undefined }, signal);
    await assert.rejects(cmd.exit, hasCode(Code.UNAVAILABLE));
    assert.equal(fake.calls.filter((c) => c.path.endsWith('/exec')).length, before + 1);
    await b.closeSession(s);
  });

  test('createBackend: terminal.daytona.* (DAYTONA_API_KEY, DAYTONA_API_URL) → calls with that key to that URL', async () => {
    const home = await mkdtemp(join(tmpdir(), 'hermes-daytona-home-'));
    try {
      const ctx = (env: Record<string, string>) => ({
        config: loadConfig({ HERMES_HOME: home, ...env }),
        env: {},
        clock: Date.now,
        workerId: 'wcfg',
        logger: quietLogger,
      });
      await assert.rejects(
        createBackend('daytona', ctx({})),
        (e: unknown) => e instanceof BackendConfigError && e.key === 'terminal.daytona.api_key',
      );
      const b = await createBackend('daytona', ctx({ DAYTONA_API_KEY: KEY, DAYTONA_API_URL: fake.url }));
      assert.ok(b instanceof DaytonaBackend);
      assert.equal(b.rootFor(), '/home/daytona/workspace');
      const n = fake.calls.length;
      const s = await b.openSession(ref('cfg'), new AbortController().signal);
      const create = fake.calls[n];
      assert.equal(create?.path, '/sandbox');
      assert.equal(create?.auth, `Bearer ${KEY}`);
      const body = create?.body as { labels: Record<string, string> };
      assert.equal(body.labels['hermes.worker'], 'wcfg');
      await b.closeSession(s);
      assert.equal(DAYTONA_DEFAULT_API_URL, 'https://app.daytona.io/api');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

const realKey = process.env.DAYTONA_API_KEY;
test(
  'real Daytona: create → run → delete',
  realKey ? {} : { skip: 'DAYTONA_API_KEY not set: real Daytona not reachable from this sandbox' },
  async () => {
    const b = new DaytonaBackend({
      api: new DaytonaApi({
        apiKey: realKey as string,
        apiUrl: process.env.DAYTONA_API_URL ?? DAYTONA_DEFAULT_API_URL,
      }),
      network: false,
      labels: { 'hermes.test': 'real' },
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
