// Acceptance of issue #7 item 4 against a real Docker engine: the seed's hardening takes effect
// inside the container, sessions are isolated, persistent and ephemeral modes keep their promises,
// the warm pool and the orphan reaper work.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerFixture } from './docker-harness.ts';
import { collect, Grants, makeWorker, rawRun, tempDir } from './worker-harness.ts';

/** The container a worker holds for a session (the test inspects it through the engine). */
function containerIdOf(w: ReturnType<typeof makeWorker>, sessionId: string): string {
  const held = w.sessions().find((x) => x.session.sessionId === sessionId);
  if (!held) throw new Error(`session ${sessionId} is not held`);
  return (held.session as unknown as { containerId: string }).containerId;
}

describe('docker backend', () => {
  let fx: Awaited<ReturnType<typeof dockerFixture>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const grants = new Grants();
  let worker: ReturnType<typeof makeWorker>;

  const run = async (w: ReturnType<typeof makeWorker>, sessionId: string, script: string, timeoutMs?: number) =>
    collect(w, {
      ...rawRun({ sessionId, script, ...(timeoutMs ? { timeoutMs } : {}) }),
      grant: await grants.issue({ sessionId, script, backend: 'docker' }),
    });

  before(async () => {
    fx = await dockerFixture();
    dir = await tempDir('docker');
    worker = makeWorker(await fx.make({ sandboxDir: join(dir.path, 'sandboxes') }), grants);
  });
  after(async () => {
    await worker.close();
    await fx[Symbol.asyncDispose]();
    await dir[Symbol.asyncDispose]();
  });

  test('effective capabilities are exactly CHOWN, DAC_OVERRIDE, FOWNER; no new privileges; pid limit 256', async () => {
    const r = await run(
      worker,
      'hard',
      'grep -E "^(CapEff|CapPrm|NoNewPrivs)" /proc/self/status; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max',
    );
    assert.equal(r.result?.exitCode, 0, r.stderr);
    // CAP_CHOWN = 0, CAP_DAC_OVERRIDE = 1, CAP_FOWNER = 3 → 0b1011.
    assert.match(r.stdout, /^CapEff:\s+000000000000000b$/m);
    assert.match(r.stdout, /^CapPrm:\s+000000000000000b$/m);
    assert.match(r.stdout, /^NoNewPrivs:\s+1$/m);
    assert.match(r.stdout, /^256$/m);
  });

  test('/var/tmp and /run refuse to exec, /tmp is capped at 512 MB, the network is absent', async () => {
    const r = await run(
      worker,
      'hard',
      [
        'cp /bin/busybox /var/tmp/true && /var/tmp/true; echo "vartmp=$?"',
        'cp /bin/busybox /run/true && /run/true; echo "run=$?"',
        'cp /bin/busybox /tmp/true && /tmp/true; echo "tmp-exec=$?"; rm /tmp/true',
        'dd if=/dev/zero of=/tmp/big bs=1M count=600 2>/dev/null; echo "dd=$?"; du -m /tmp/big | cut -f1; rm -f /tmp/big',
        "echo net=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ' ')",
      ].join('; '),
    );
    assert.match(r.stdout, /^vartmp=126$/m);
    assert.match(r.stdout, /^run=126$/m);
    assert.match(r.stdout, /^tmp-exec=0$/m, 'seed: /tmp stays exec-able (builds), only nosuid');
    assert.match(r.stdout, /^dd=1$/m);
    const mb = Number(r.stdout.match(/^dd=1\n(\d+)$/m)?.[1]);
    assert.ok(mb > 0 && mb <= 512, `wrote ${mb} MB to /tmp`);
    assert.match(r.stdout, /^net=lo ?$/m);
  });

  test('the memory limit is enforced', async () => {
    await using d = await tempDir('mem');
    const w = makeWorker(await fx.make({ sandboxDir: d.path, memoryMb: 64 }), grants);
    try {
      const r = await run(
        w,
        'mem',
        'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; x=$(head -c 300000000 /dev/zero | tr "\\0" x); echo "survived"; echo "$x" | wc -c',
      );
      assert.match(r.stdout, new RegExp(`^${64 * 1024 * 1024}$`, 'm'));
      assert.doesNotMatch(r.stdout, /survived/);
      assert.equal(r.result?.exitCode, 137, 'the OOM killer ends the process (128 + SIGKILL)');
    } finally {
      await w.close();
    }
  });

  test('a fork bomb hits the pid limit, the host stays responsive, the session cleans up', async () => {
    let maxLag = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 20);
      last = now;
    }, 20);
    const t0 = Date.now();
    let r: Awaited<ReturnType<typeof run>>;
    try {
      r = await run(worker, 'bomb', 'bomb() { bomb | bomb & }; bomb; sleep 5', 3000);
    } finally {
      clearInterval(probe);
    }
    assert.equal(r.result?.timedOut, true);
    assert.ok(Date.now() - t0 < 8000);
    assert.ok(maxLag < 1000, `the worker's event loop stalled for ${Math.round(maxLag)} ms`);
    const id = containerIdOf(worker, 'bomb');
    const stats = (await fx.docker.getContainer(id).stats({ stream: false })) as { pids_stats?: { current?: number } };
    assert.ok((stats.pids_stats?.current ?? 0) <= 256, `pids ${stats.pids_stats?.current}`);
    assert.equal(await worker.endSession('bomb'), true);
    await assert.rejects(fx.docker.getContainer(id).inspect(), /no such container/i);
  });

  test('rm -rf / inside one session leaves the host and the other session untouched; sessions never see each other', async () => {
    const canary = join(dir.path, 'host-canary');
    await writeFile(canary, 'still here');
    const b = await run(worker, 'iso-b', 'echo b > /workspace/b.txt; echo b > /tmp/b.txt; (sleep 300 &) ; echo ok');
    assert.equal(b.stdout, 'ok\n');
    const a = await collect(worker, {
      ...rawRun({ sessionId: 'iso-a', script: 'ls /workspace /tmp; ps; env', env: { ONLY_A: 'a-secret-value' } }),
      grant: await grants.issue({ sessionId: 'iso-a', script: 'ls /workspace /tmp; ps; env', backend: 'docker' }),
    });
    assert.doesNotMatch(a.stdout, /b\.txt/);
    assert.doesNotMatch(a.stdout, /sleep 300$/m);
    assert.match(a.stdout, /ONLY_A=a-secret-value/);
    // The hardline floor lives in approval; here a grant is signed directly to prove the boundary.
    const wipe = await run(worker, 'iso-a', 'rm -rf / 2>/dev/null; ls / | wc -l; echo done');
    assert.match(wipe.stdout, /done/);
    assert.equal(await readFile(canary, 'utf8'), 'still here');
    const after = await run(
      worker,
      'iso-b',
      'cat /workspace/b.txt /tmp/b.txt; ps | grep -c "sleep 300$"; env | grep -c ONLY_A',
    );
    assert.equal(after.stdout, 'b\nb\n1\n0\n');
    assert.ok(existsSync(join(dir.path, 'sandboxes', 'iso-b', 'workspace', 'b.txt')));
    await worker.endSession('iso-a');
    await worker.endSession('iso-b');
  });

  test("persistent: a file written in a session survives a worker restart; the orphan reaper removes a dead worker's containers", async () => {
    await using d = await tempDir('persist');
    const sandboxDir = join(d.path, 'sandboxes');
    const w1 = makeWorker(await fx.make({ sandboxDir }), grants);
    await run(w1, 'task-1', 'echo kept > /workspace/note; echo home > /root/.profile-note');
    // The worker dies without cleaning up (crash): its container stays behind.
    const before = (await fx.containers()).length;
    assert.ok(before >= 1);
    const w2 = makeWorker(await fx.make({ sandboxDir }), grants); // create() reaps orphans at start
    const left = await fx.containers();
    const w1Container = containerIdOf(w1, 'task-1');
    assert.ok(!left.some((c) => c.Id === w1Container), "the dead worker's container was not reaped");
    const r = await run(w2, 'task-1', 'cat /workspace/note /root/.profile-note');
    assert.equal(r.stdout, 'kept\nhome\n');
    assert.equal(await readFile(join(sandboxDir, 'task-1', 'workspace', 'note'), 'utf8'), 'kept\n');
    await w2.close();
    // The worker that the reaper treated as dead finds its container gone and keeps going.
    await w1.close().catch(() => {});
  });

  test('ephemeral: nothing remains on the host after cleanup', async () => {
    await using d = await tempDir('eph');
    const sandboxDir = join(d.path, 'sandboxes');
    const w = makeWorker(await fx.make({ sandboxDir, persistent: false }), grants);
    const r = await run(w, 'eph-1', 'echo x > /workspace/f; mount | grep -c " /workspace type tmpfs"');
    assert.equal(r.stdout, '1\n');
    const id = containerIdOf(w, 'eph-1');
    assert.equal(await w.endSession('eph-1'), true);
    await assert.rejects(fx.docker.getContainer(id).inspect(), /no such container/i);
    assert.deepEqual(existsSync(sandboxDir) ? await readdir(sandboxDir) : [], []);
    await w.close();
  });

  test('warm pool: a new session claims a pre-started container and the pool refills', async () => {
    await using d = await tempDir('warm');
    const backend = await fx.make({ sandboxDir: join(d.path, 'sandboxes'), warmPool: 1 });
    await backend.fillPool();
    assert.equal(backend.warmCount(), 1);
    const w = makeWorker(backend, grants);
    const t0 = performance.now();
    const r = await run(w, 'warm-1', 'echo hi > /workspace/f; cat /workspace/f');
    const first = performance.now() - t0;
    assert.equal(r.stdout, 'hi\n');
    assert.ok(
      existsSync(join(d.path, 'sandboxes', 'warm-1', 'workspace', 'f')),
      'the slot directory became the task directory',
    );
    await backend.fillPool();
    assert.equal(backend.warmCount(), 1);
    assert.ok(first < 2000, `first command took ${Math.round(first)} ms`);
    await w.close();
    assert.equal(backend.warmCount(), 0);
  });

  test('output streams with back-pressure and stdin reaches the command', async () => {
    const script = 'cat; head -c 300000 /dev/zero | tr "\\0" y; echo; echo err >&2';
    const r = await collect(worker, {
      ...rawRun({ sessionId: 'io', script, stdin: Buffer.from('input line\n') }),
      grant: await grants.issue({ sessionId: 'io', script, backend: 'docker' }),
    });
    assert.ok(r.stdout.startsWith('input line\nyyyy'));
    assert.equal(r.stdout.length, 'input line\n'.length + 300_001);
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.result?.exitCode, 0);
    await worker.endSession('io');
  });
});
