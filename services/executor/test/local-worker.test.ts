// The worker with the local backend: grants checked for real, output streamed and redacted, the
// environment filtered, timeouts and cancels killing whole process trees.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LocalBackend, type LocalBackendOptions } from '../src/backends/local/local-backend.ts';
import { GrantRefusedError, InvalidRunInputError } from '../src/errors.ts';
import { collect, Grants, makeWorker, PLATFORM_SECRET, rawRun, tempDir } from './worker-harness.ts';

const hostEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  LANG: 'C.UTF-8',
  OPENAI_API_KEY: PLATFORM_SECRET,
  DATABASE_URL: 'postgres://hermes:hunter2hunter2@db/hermes',
  HERMES_GRANT_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEI-not-a-real-key',
  HOME: '/root',
};

function backend(dir: string, over: Partial<LocalBackendOptions> = {}): LocalBackend {
  return new LocalBackend({
    sandboxDir: dir,
    messagingCwd: undefined,
    persistent: true,
    sandbox: 'none',
    network: false,
    hostEnv,
    clock: Date.now,
    ...over,
  });
}

/** Running (a zombie waiting for its reaper counts as dead: it holds nothing and runs nothing). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('local worker', () => {
  test('runs a script in the session workspace and streams output, exit code and duration', async () => {
    await using dir = await tempDir('local');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path), grants);
    const script = 'pwd; echo out; echo err >&2; exit 3';
    const r = await collect(worker, {
      ...rawRun({ sessionId: 's1', script }),
      grant: await grants.issue({ sessionId: 's1', script, backend: 'local' }),
    });
    assert.equal(r.stdout, `${join(dir.path, 's1', 'workspace')}\nout\n`);
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.result?.exitCode, 3);
    assert.equal(r.result?.signal, '');
    assert.equal(r.result?.timedOut, false);
    assert.ok((r.result?.durationMs ?? -1) >= 0);
    assert.match(r.runId ?? '', /^wtest\./);
    assert.equal(r.events[0]?.kind, 'started');
    assert.equal(r.events.at(-1)?.kind, 'result');
    const done = worker.audit.events.find((e) => e.kind === 'executor.run');
    assert.equal(done?.outcome, 'failed');
    assert.equal(done?.attributes?.exitCode, 3);
    await worker.close();
  });

  test('argv runs without a shell, with stdin', async () => {
    await using dir = await tempDir('local');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path), grants);
    const argv = ['cat'];
    const r = await collect(worker, {
      ...rawRun({ sessionId: 's1', argv, stdin: Buffer.from('from stdin; $(not expanded)') }),
      grant: await grants.issue({ sessionId: 's1', argv, backend: 'local' }),
    });
    assert.equal(r.stdout, 'from stdin; $(not expanded)');
    assert.equal(r.result?.exitCode, 0);
    await worker.close();
  });

  test('forged, expired, replayed and mismatched grants run nothing', async () => {
    await using dir = await tempDir('local');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path), grants);
    const marker = join(dir.path, 'ran');
    const script = `touch ${marker}`;
    const attempt = (grant: Uint8Array, over: Partial<Parameters<typeof rawRun>[0]> = {}) =>
      collect(worker, { ...rawRun({ sessionId: 's1', script, ...over }), grant });
    const refused = async (p: Promise<unknown>, reason: string) => {
      await assert.rejects(p, (e: unknown) => e instanceof GrantRefusedError && e.reason === reason);
      assert.equal(existsSync(marker), false, `command ran despite a ${reason} grant`);
    };

    // Forged: signed by a key the worker does not trust.
    const other = new Grants(grants.store, 'other');
    await refused(attempt(await other.issue({ sessionId: 's1', script, backend: 'local' })), 'unknown_key');
    // Tampered payload: signature no longer verifies.
    const good = Buffer.from(await grants.issue({ sessionId: 's1', script, backend: 'local' })).toString();
    const [p, body, sig] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    claims.sid = 's2';
    const forged = `${p}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    await refused(attempt(Buffer.from(forged), { sessionId: 's2' }), 'bad_signature');
    // Expired.
    await refused(
      attempt(await grants.issue({ sessionId: 's1', script, backend: 'local', issuedAt: Date.now() - 120_000 })),
      'expired',
    );
    // Bound to another command, cwd, backend, session.
    await refused(
      attempt(await grants.issue({ sessionId: 's1', script: 'true', backend: 'local' })),
      'binding_mismatch',
    );
    await refused(
      attempt(await grants.issue({ sessionId: 's1', script, cwd: 'sub', backend: 'local' })),
      'binding_mismatch',
    );
    await refused(attempt(await grants.issue({ sessionId: 's1', script, backend: 'docker' })), 'binding_mismatch');
    await refused(attempt(await grants.issue({ sessionId: 's9', script, backend: 'local' })), 'binding_mismatch');
    // No grant at all.
    await refused(attempt(new Uint8Array()), 'malformed');
    // Replayed: the first use runs, the second is refused.
    const once = await grants.issue({ sessionId: 's1', script, backend: 'local' });
    const first = await attempt(once);
    assert.equal(first.result?.exitCode, 0);
    assert.equal(existsSync(marker), true);
    await rm(marker);
    await refused(attempt(once), 'replayed');
    const refusals = worker.audit.events.filter((e) => e.outcome === 'refused').map((e) => e.attributes?.reason);
    assert.deepEqual(refusals.sort(), [
      'bad_signature',
      'binding_mismatch',
      'binding_mismatch',
      'binding_mismatch',
      'binding_mismatch',
      'expired',
      'malformed',
      'replayed',
      'unknown_key',
    ]);
    await worker.close();
  });

  test('invalid input is refused before the grant is spent', async () => {
    await using dir = await tempDir('local');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path), grants);
    const script = 'echo hi';
    const grant = await grants.issue({ sessionId: 's1', script, cwd: '../..', backend: 'local' });
    await assert.rejects(
      collect(worker, { ...rawRun({ sessionId: 's1', script, cwd: '../..' }), grant }),
      (e: unknown) => e instanceof InvalidRunInputError && e.field === 'cwd',
    );
    await assert.rejects(
      collect(worker, { ...rawRun({ sessionId: 's1', script, env: { BASH_ENV: '/tmp/x' } }), grant }),
      (e: unknown) => e instanceof InvalidRunInputError && e.field === 'env.BASH_ENV',
    );
    assert.equal(worker.audit.events.length, 0);
    await worker.close();
  });

  test('the environment is filtered: platform secrets are never inherited, HOME is the session home', async () => {
    await using dir = await tempDir('local');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path), grants);
    const script = 'env; echo "key=$OPENAI_API_KEY db=$DATABASE_URL"';
    const r = await collect(worker, {
      ...rawRun({ sessionId: 's1', script, env: { GREETING: 'hello' } }),
      grant: await grants.issue({ sessionId: 's1', script, backend: 'local' }),
    });
    assert.match(r.stdout, /^GREETING=hello$/m);
    assert.match(r.stdout, new RegExp(`^HOME=${join(dir.path, 's1', 'home')}$`, 'm'));
    assert.match(r.stdout, /^key= db=$/m);
    for (const leaked of ['OPENAI_API_KEY', 'DATABASE_URL', 'HERMES_GRANT_SIGNING_KEY', 'hunter2', PLATFORM_SECRET]) {
      assert.ok(!r.stdout.includes(leaked), `${leaked} reached the command`);
    }
    await worker.close();
  });

  test('a secret in the output is redacted even when split across writes', async () => {
    await using dir = await tempDir('local');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path), grants);
    const half = PLATFORM_SECRET.length / 2;
    const script = `printf '%s' '${PLATFORM_SECRET.slice(0, half)}'; sleep 0.2; printf '%s\\n' '${PLATFORM_SECRET.slice(half)}'; echo ghp_${'a'.repeat(36)} >&2`;
    const r = await collect(worker, {
      ...rawRun({ sessionId: 's1', script }),
      grant: await grants.issue({ sessionId: 's1', script, backend: 'local' }),
    });
    assert.ok(!r.stdout.includes(PLATFORM_SECRET.slice(0, 12)), r.stdout);
    assert.match(r.stdout, /REDACTED/);
    assert.ok(!r.stderr.includes('a'.repeat(36)), r.stderr);
    await worker.close();
  });

  test('the per-run timeout kills the whole process tree, including children that left the group', async () => {
    await using dir = await tempDir('local');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path), grants, { heartbeatMs: 100 });
    const pids = join(dir.path, 'pids');
    const script = `sleep 60 & echo $! > ${pids}; setsid sleep 61 & echo $! >> ${pids}; echo started; sleep 62`;
    const t0 = Date.now();
    const r = await collect(worker, {
      ...rawRun({ sessionId: 's1', script, timeoutMs: 700 }),
      grant: await grants.issue({ sessionId: 's1', script, backend: 'local' }),
    });
    assert.ok(Date.now() - t0 < 5000, 'timeout took too long');
    assert.equal(r.result?.timedOut, true);
    assert.equal(r.result?.signal, 'SIGKILL');
    assert.equal(r.result?.exitCode, -1);
    assert.equal(r.stdout, 'started\n');
    assert.ok(r.heartbeats >= 3, `heartbeats: ${r.heartbeats}`);
    const children = (await readFile(pids, 'utf8')).trim().split('\n').map(Number);
    assert.equal(children.length, 2);
    await new Promise((res) => setTimeout(res, 100));
    for (const pid of children) assert.equal(alive(pid), false, `pid ${pid} survived the timeout`);
    assert.equal(worker.audit.events.at(-1)?.outcome, 'timed_out');
    await worker.close();
  });

  test('Cancel kills a running command; the caller abandoning the stream does too', async () => {
    await using dir = await tempDir('local');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path), grants);
    const script = 'echo $$; sleep 30';
    let runId = '';
    const r = await collect(
      worker,
      {
        ...rawRun({ sessionId: 's1', script }),
        grant: await grants.issue({ sessionId: 's1', script, backend: 'local' }),
      },
      {
        onEvent: (e) => {
          if (e.kind === 'started') runId = e.runId;
          if (e.kind === 'output') assert.equal(worker.cancel(runId), true);
        },
      },
    );
    assert.equal(r.result?.cancelled, true);
    assert.equal(r.result?.signal, 'SIGKILL');
    assert.equal(worker.cancel(runId), false);
    assert.equal(alive(Number(r.stdout.trim())), false);

    // Abandon: stop reading after the first output.
    const g2 = await grants.issue({ sessionId: 's1', script, backend: 'local' });
    let pid = 0;
    for await (const e of worker.run(
      { ...rawRun({ sessionId: 's1', script }), grant: g2 },
      {
        signal: new AbortController().signal,
        remainingMs: () => 30_000,
        requestId: 't',
      },
    )) {
      if (e.kind === 'output') {
        pid = Number(Buffer.from(e.data).toString().trim());
        break;
      }
    }
    assert.ok(pid > 0);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(alive(pid), false);
    assert.equal(worker.activeRuns, 0);
    await worker.close();
  });

  test('output beyond the per-stream cap is dropped and flagged, and the command still finishes', async () => {
    await using dir = await tempDir('local');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path), grants, { maxOutputBytesPerStream: 10_000 });
    const script = 'head -c 2000000 /dev/zero | tr "\\0" x; echo done >&2';
    const r = await collect(worker, {
      ...rawRun({ sessionId: 's1', script }),
      grant: await grants.issue({ sessionId: 's1', script, backend: 'local' }),
    });
    assert.equal(r.stdout.length, 10_000);
    assert.equal(r.result?.stdoutTruncated, true);
    assert.equal(r.result?.stderrTruncated, false);
    assert.equal(r.stderr, 'done\n');
    assert.equal(r.result?.exitCode, 0);
    await worker.close();
  });

  test('a symlink cannot lead the working directory out of the workspace; messaging sessions use MESSAGING_CWD', async () => {
    await using dir = await tempDir('local');
    await using msg = await tempDir('msg');
    await mkdir(join(msg.path, 'proj'));
    await writeFile(join(msg.path, 'proj', 'f.txt'), 'hi');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path, { messagingCwd: msg.path }), grants);
    // Create the session, then plant a link to / inside its workspace.
    const ls = 'ls';
    await collect(worker, {
      ...rawRun({ sessionId: 's1', script: ls }),
      grant: await grants.issue({ sessionId: 's1', script: ls, backend: 'local' }),
    });
    await symlink('/', join(dir.path, 's1', 'workspace', 'up'));
    await assert.rejects(
      collect(worker, {
        ...rawRun({ sessionId: 's1', script: ls, cwd: 'up/etc' }),
        grant: await grants.issue({ sessionId: 's1', script: ls, cwd: 'up/etc', backend: 'local' }),
      }),
      (e: unknown) => e instanceof InvalidRunInputError && /outside/.test(e.message),
    );
    const r = await collect(worker, {
      ...rawRun({ sessionId: 'm1', script: ls, cwd: 'proj', messaging: true }),
      grant: await grants.issue({ sessionId: 'm1', script: ls, cwd: 'proj', backend: 'local' }),
    });
    assert.equal(r.stdout, 'f.txt\n');
    await assert.rejects(
      collect(worker, {
        ...rawRun({ sessionId: 'm1', script: ls, cwd: '/etc', messaging: true }),
        grant: await grants.issue({ sessionId: 'm1', script: ls, cwd: '/etc', backend: 'local' }),
      }),
      (e: unknown) => e instanceof InvalidRunInputError && e.field === 'cwd',
    );
    await worker.close();
  });

  test('sessions are listed and ended; ephemeral mode deletes the workspace', async () => {
    await using dir = await tempDir('local');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path, { persistent: false }), grants);
    const script = 'echo data > file';
    await collect(worker, {
      ...rawRun({ sessionId: 'eph', script }),
      grant: await grants.issue({ sessionId: 'eph', script, backend: 'local' }),
    });
    assert.deepEqual(
      worker.sessions().map((s) => s.session.sessionId),
      ['eph'],
    );
    assert.equal(existsSync(join(dir.path, 'eph', 'workspace', 'file')), true);
    assert.equal(await worker.endSession('eph'), true);
    assert.equal(await worker.endSession('eph'), false);
    assert.equal(existsSync(join(dir.path, 'eph')), false);
    assert.deepEqual(worker.sessions(), []);
    await worker.close();
  });

  test('bubblewrap: read-only system, no network, the host outside the workspace is invisible', async () => {
    await using dir = await tempDir('bwrap');
    const grants = new Grants();
    const worker = makeWorker(backend(dir.path, { sandbox: 'bubblewrap', bwrapPath: '/usr/bin/bwrap' }), grants);
    const script = [
      'echo ws > file && cat file',
      'touch /usr/x 2>/dev/null && echo usr-writable || echo usr-ro',
      `test -e ${dir.path}/../ && ls ${join(dir.path, '..')} | grep -c hermes-exec || echo 0`,
      'test -e /root/.hermes && echo home-visible || echo home-hidden',
      "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ' '; echo",
    ].join('; ');
    const r = await collect(worker, {
      ...rawRun({ sessionId: 's1', script }),
      grant: await grants.issue({ sessionId: 's1', script, backend: 'local' }),
    });
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'ws');
    assert.equal(lines[1], 'usr-ro');
    assert.equal(lines[2], '1', 'only the session dir is visible under the sandbox root');
    assert.equal(lines[3], 'home-hidden');
    assert.equal(lines[4], 'lo ', 'only loopback exists in the sandbox');
    await worker.close();
  });
});

async function rm(p: string): Promise<void> {
  const { rm: remove } = await import('node:fs/promises');
  await remove(p, { force: true });
}
