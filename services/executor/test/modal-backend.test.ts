// modal backend driven through fake-modal (Modal's cloud is gRPC behind its SDK and unreachable
// here): one sandbox per session, created on first use, reused, terminated on EndSession; commands
// see only the explicit env; stdin is delivered; the per-run timeout kills the command's process
// group through the recorded pid. The last test runs against real Modal when MODAL_TOKEN_ID and
// MODAL_TOKEN_SECRET are set.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { Code, RpcError } from '@hermes/rpc';
import {
  createFakeModal,
  FAKE_CONTAINER_SECRET,
  FakeClientError,
  type FakeModal,
} from '../../../test/fixtures/fake-modal/fake-modal.ts';
import { createBackend } from '../src/backends/create-backend.ts';
import { ModalBackend } from '../src/backends/modal/modal-backend.ts';
import { SdkModalSandboxes } from '../src/backends/modal/sdk-modal-sandboxes.ts';
import { BackendConfigError } from '../src/errors.ts';
import { collect, Grants, makeWorker, quietLogger, rawRun } from './worker-harness.ts';

/** A duration unique to this test process, so another run's leftovers are never counted. */
const SLEEP = `31.${process.pid}`;

/** Processes on this host running `sleep $SLEEP` (the timeout test's command and its background child). */
function sleepers(): number {
  let n = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\u0000${SLEEP}\u0000`) n++;
    } catch {}
  }
  return n;
}

describe('modal backend (fake-modal)', () => {
  let fake: FakeModal;
  let root: string;
  const backend = () =>
    new ModalBackend({
      sandboxes: fake.port,
      image: 'python:3.13-slim',
      cpu: 1,
      memoryMiB: 512,
      network: false,
      tags: { 'hermes.worker': 'wtest' },
      root,
      runDir: join(root, '.runs'),
      clock: Date.now,
    });

  before(async () => {
    fake = createFakeModal();
    root = await mkdtemp(join(tmpdir(), 'hermes-modal-'));
  });
  after(async () => {
    fake.killAll();
    await rm(root, { recursive: true, force: true });
  });

  test('create → run → reuse → terminate: one sandbox per session, explicit env only, stdin delivered', async () => {
    const grants = new Grants();
    const worker = makeWorker(backend(), grants);
    const script = 'echo "out:$HERMES_X"; echo err >&2; env; read l; echo "in:$l"; echo data > file; exit 3';
    const r1 = await collect(worker, {
      ...rawRun({ sessionId: 's1', script, env: { HERMES_X: 'yes' }, stdin: Buffer.from('hello\n') }),
      grant: await grants.issue({ sessionId: 's1', script, backend: 'modal' }),
    });
    assert.equal(r1.result?.exitCode, 3);
    assert.match(r1.stdout, /^out:yes$/m);
    assert.match(r1.stdout, /^in:hello$/m);
    assert.equal(r1.stderr, 'err\n');
    assert.ok(!r1.stdout.includes(FAKE_CONTAINER_SECRET), "the container's environment reached the command");
    assert.match(r1.stdout, /^HOME=\/root$/m);
    assert.equal(fake.sandboxes.size, 1);
    const rec = [...fake.sandboxes.values()][0];
    const spec = rec?.spec as { image: string; blockNetwork: boolean; tags: Record<string, string> };
    assert.equal(spec.image, 'python:3.13-slim');
    assert.equal(spec.blockNetwork, true);
    assert.equal(spec.tags['hermes.session'], 's1');

    const again = 'cat file';
    const r2 = await collect(worker, {
      ...rawRun({ sessionId: 's1', script: again }),
      grant: await grants.issue({ sessionId: 's1', script: again, backend: 'modal' }),
    });
    assert.equal(r2.stdout, 'data\n', 'the second run did not reuse the session sandbox');
    assert.equal(fake.sandboxes.size, 1);
    assert.equal(await worker.endSession('s1'), true);
    assert.equal(fake.sandboxes.size, 0, 'EndSession did not terminate the sandbox');
    await worker.close();
    assert.equal(fake.closed, true);
  });

  test('the per-run timeout kills the command (and what it started) via the recorded pid', async () => {
    const grants = new Grants();
    const worker = makeWorker(backend(), grants);
    const script = `echo started; sleep ${SLEEP} & sleep ${SLEEP}; echo never`;
    const t0 = Date.now();
    const r = await collect(worker, {
      ...rawRun({ sessionId: 's2', script, timeoutMs: 700 }),
      grant: await grants.issue({ sessionId: 's2', script, backend: 'modal' }),
    });
    assert.equal(r.result?.timedOut, true);
    assert.ok(Date.now() - t0 < 5000, 'timeout took too long');
    assert.equal(r.stdout, 'started\n');
    const rec = [...fake.sandboxes.values()][0];
    assert.ok(rec);
    assert.ok(
      rec.execs.some((a) => a.join(' ').includes('kill -9')),
      'no kill exec was sent',
    );
    let left = sleepers();
    for (let i = 0; i < 50 && left > 0; i++) {
      await new Promise((res) => setTimeout(res, 20));
      left = sleepers();
    }
    assert.equal(left, 0, 'the command or its background child survived the timeout');
    await worker.close();
    assert.equal(fake.sandboxes.size, 0);
  });

  test('lost mid-run: UNAVAILABLE, not re-run', async () => {
    const b = backend();
    const s = await b.openSession({ sessionId: 's3', taskKey: 's3', messaging: false });
    fake.failNext('wait', new FakeClientError(14, 'connection reset'));
    const cmd = await b.exec(s, { argv: ['true'], cwd: root, env: {}, stdin: undefined });
    await assert.rejects(cmd.exit, (e: unknown) => e instanceof RpcError && e.code === Code.UNAVAILABLE);
    const rec = [...fake.sandboxes.values()].at(-1);
    assert.equal(rec?.execs.filter((a) => a.join(' ').includes("'true'")).length, 1);
    await b.closeSession(s);
  });

  test('createBackend: terminal.modal.* (MODAL_TOKEN_ID/SECRET) + docker_image/container_* → a modal backend', async () => {
    const home = await mkdtemp(join(tmpdir(), 'hermes-modal-home-'));
    try {
      const ctx = (env: Record<string, string>) => ({
        config: loadConfig({ HERMES_HOME: home, ...env }),
        env: {},
        clock: Date.now,
        workerId: 'wcfg',
        logger: quietLogger,
      });
      await assert.rejects(
        createBackend('modal', ctx({})),
        (e: unknown) => e instanceof BackendConfigError && e.key === 'terminal.modal.token_id',
      );
      await assert.rejects(
        createBackend('modal', ctx({ MODAL_TOKEN_ID: 'ak-x' })),
        (e: unknown) => e instanceof BackendConfigError && e.key === 'terminal.modal.token_secret',
      );
      const b = await createBackend('modal', ctx({ MODAL_TOKEN_ID: 'ak-x', MODAL_TOKEN_SECRET: 'as-y' }));
      assert.ok(b instanceof ModalBackend);
      assert.deepEqual(b.images, ['nikolaik/python-nodejs:python3.11-nodejs20']);
      const spec = b.sandboxSpec({ sessionId: 'a', taskKey: 'a', messaging: false });
      assert.equal(spec.cpu, 1);
      assert.equal(spec.memoryMiB, 5120);
      assert.equal(spec.blockNetwork, true);
      assert.equal(spec.tags['hermes.worker'], 'wcfg');
      await b.close();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

const tokenId = process.env.MODAL_TOKEN_ID;
const tokenSecret = process.env.MODAL_TOKEN_SECRET;
test(
  'real Modal: create → run → terminate',
  tokenId && tokenSecret
    ? {}
    : { skip: 'MODAL_TOKEN_ID/MODAL_TOKEN_SECRET not set: real Modal not reachable from this sandbox' },
  async () => {
    const b = new ModalBackend({
      sandboxes: new SdkModalSandboxes({ tokenId: tokenId as string, tokenSecret: tokenSecret as string }),
      image: 'alpine:3.21',
      cpu: 0.25,
      memoryMiB: 256,
      network: false,
      tags: { 'hermes.test': 'real' },
      clock: Date.now,
    });
    const s = await b.openSession({ sessionId: 'real', taskKey: 'real', messaging: false });
    try {
      const cmd = await b.exec(s, {
        argv: ['sh', '-c', 'echo "hi:$X"; exit 4'],
        cwd: b.rootFor(),
        env: { X: '1' },
        stdin: undefined,
      });
      let out = '';
      for await (const c of cmd.stdout) out += Buffer.from(c).toString('utf8');
      assert.equal((await cmd.exit).exitCode, 4);
      assert.equal(out, 'hi:1\n');
    } finally {
      await b.closeSession(s);
      await b.close();
    }
  },
);
