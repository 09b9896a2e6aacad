// The ssh backend against a real OpenSSH sshd on a loopback port (issue #7 item 5): key auth only,
// pinned host keys, one reused connection, per-session remote directories, explicit environment,
// timeouts that kill the remote process group, reconnect after a drop, and an error (never a
// re-run) when the connection dies under a command.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { type SshdHandle, startSshd } from '@hermes/testing';
import { createBackend } from '../src/backends/create-backend.ts';
import { parseKnownHosts } from '../src/backends/ssh/known-hosts.ts';
import { SshBackend, type SshBackendOptions } from '../src/backends/ssh/ssh-backend.ts';
import {
  BackendConfigError,
  BackendUnavailableError,
  HostKeyRefusedError,
  InvalidRunInputError,
} from '../src/errors.ts';
import { collect, Grants, makeWorker, PLATFORM_SECRET, quietLogger, rawRun, tempDir } from './worker-harness.ts';

let sshd: SshdHandle;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});

async function options(
  remoteDir: string,
  over: Partial<SshBackendOptions['target']> = {},
  persistent = true,
): Promise<SshBackendOptions> {
  return {
    target: {
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.user,
      privateKey: await readFile(sshd.clientKeyPath),
      knownHosts: parseKnownHosts(await readFile(sshd.knownHostsPath, 'utf8')),
      knownHostsPath: sshd.knownHostsPath,
      keepaliveIntervalMs: 5000,
      ...over,
    },
    remoteDir,
    persistent,
    clock: Date.now,
  };
}

/** Live processes whose command line contains `needle` (sshd runs on this host, so /proc shows them). */
function processesWith(needle: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(needle)) out.push(Number(p));
    } catch {
      // gone
    }
  }
  return out;
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('ssh backend (real sshd)', () => {
  test('runs argv and scripts in a per-session remote directory with only the explicit environment', async () => {
    await using dir = await tempDir('ssh');
    const grants = new Grants();
    process.env.HERMES_TEST_WORKER_SECRET = PLATFORM_SECRET; // the worker's env must never travel
    const backend = await SshBackend.create(await options(dir.path));
    const worker = makeWorker(backend, grants);
    try {
      const script =
        'pwd; echo "$HOME|$TMPDIR|$GREETING"; env | cut -d= -f1 | sort | tr "\\n" " "; echo err >&2; exit 4';
      const r = await collect(worker, {
        ...rawRun({ sessionId: 's1', script, env: { GREETING: 'hi there' } }),
        grant: await grants.issue({ sessionId: 's1', script, backend: 'ssh' }),
      });
      const ws = join(dir.path, 's1', 'workspace');
      const [pwd, vars, names] = r.stdout.split('\n');
      assert.equal(pwd, ws);
      assert.equal(vars, `${join(dir.path, 's1', 'home')}|${join(dir.path, 's1', 'tmp')}|hi there`);
      // sshd's own session variables (SSH_CONNECTION, MAIL, …) and the worker's are all absent.
      assert.deepEqual(
        names
          ?.trim()
          .split(' ')
          .filter((n) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(n)),
        ['GREETING', 'HOME', 'LANG', 'PATH', 'SHELL', 'TMPDIR', 'USER'],
      );
      assert.equal(r.stdout.includes(PLATFORM_SECRET), false);
      assert.equal(r.stderr, 'err\n');
      assert.equal(r.result?.exitCode, 4);
      const argv = ['cat'];
      const c = await collect(worker, {
        ...rawRun({ sessionId: 's1', argv, stdin: Buffer.from("stdin 'kept' $(as is)") }),
        grant: await grants.issue({ sessionId: 's1', argv, backend: 'ssh' }),
      });
      assert.equal(c.stdout, "stdin 'kept' $(as is)");
      assert.equal(c.result?.exitCode, 0);
      // One connection carried the session set-up and both commands.
      assert.equal(backend.pool.connectCount, 1);
    } finally {
      delete process.env.HERMES_TEST_WORKER_SECRET;
      await worker.close();
    }
  });

  test('sessions get separate directories; ephemeral ones are deleted at the end, persistent ones kept', async () => {
    await using dir = await tempDir('ssh');
    const grants = new Grants();
    for (const persistent of [false, true]) {
      const root = join(dir.path, String(persistent));
      const backend = await SshBackend.create(await options(root, {}, persistent));
      const worker = makeWorker(backend, grants);
      for (const s of ['sa', 'sb']) {
        const script = `echo ${s} > mine; ls`;
        const r = await collect(worker, {
          ...rawRun({ sessionId: s, script }),
          grant: await grants.issue({ sessionId: s, script, backend: 'ssh' }),
        });
        assert.equal(r.stdout, 'mine\n');
      }
      assert.equal(readFileSync(join(root, 'sa', 'workspace', 'mine'), 'utf8'), 'sa\n');
      assert.equal(await worker.endSession('sa'), true);
      assert.equal(existsSync(join(root, 'sa')), persistent);
      assert.equal(existsSync(join(root, 'sb')), true);
      await worker.close();
    }
  });

  test('timeout kills the whole remote process group, background jobs included', async () => {
    await using dir = await tempDir('ssh');
    const grants = new Grants();
    const backend = await SshBackend.create(await options(dir.path));
    const worker = makeWorker(backend, grants);
    try {
      const tag = `${300 + Math.floor(Math.random() * 1000)}.25`;
      const script = `sleep ${tag} & sleep ${tag} & echo started; sleep ${tag}`;
      const t0 = Date.now();
      const r = await collect(worker, {
        ...rawRun({ sessionId: 's1', script, timeoutMs: 1500 }),
        grant: await grants.issue({ sessionId: 's1', script, backend: 'ssh' }),
      });
      assert.equal(r.stdout, 'started\n');
      assert.equal(r.result?.timedOut, true);
      assert.ok(Date.now() - t0 < 6000, `took ${Date.now() - t0} ms`);
      assert.equal(await waitFor(() => processesWith(`sleep ${tag}`).length === 0, 3000), true);
    } finally {
      await worker.close();
    }
  });

  test('commands share connections up to the per-connection channel limit', async () => {
    await using dir = await tempDir('ssh');
    const grants = new Grants();
    const backend = await SshBackend.create(await options(dir.path, { maxChannelsPerConnection: 4 }));
    const worker = makeWorker(backend, grants);
    try {
      const runs = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const script = `sleep 0.5; echo ${i}`;
          return collect(worker, {
            ...rawRun({ sessionId: 's1', script }),
            grant: await grants.issue({ sessionId: 's1', script, backend: 'ssh' }),
          });
        }),
      );
      assert.deepEqual(
        runs.map((r) => r.stdout),
        Array.from({ length: 10 }, (_, i) => `${i}\n`),
      );
      // 10 concurrent commands at ≤ 4 per connection: 3 connections, not 10.
      assert.equal(backend.pool.connectCount, 3);
    } finally {
      await worker.close();
    }
  });

  test('reconnects on next use after the connection dropped', async () => {
    await using dir = await tempDir('ssh');
    const grants = new Grants();
    const backend = await SshBackend.create(await options(dir.path));
    const worker = makeWorker(backend, grants);
    try {
      const script = 'echo ok';
      const run = async () =>
        collect(worker, {
          ...rawRun({ sessionId: 's1', script }),
          grant: await grants.issue({ sessionId: 's1', script, backend: 'ssh' }),
        });
      assert.equal((await run()).stdout, 'ok\n');
      await sshd.dropConnections();
      await waitFor(() => backend.pool.openConnections === 0, 2000);
      assert.equal((await run()).stdout, 'ok\n');
      assert.equal(backend.pool.connectCount, 2);
    } finally {
      await worker.close();
    }
  });

  test('connection lost mid-run: the caller gets UNAVAILABLE quickly and the command is not run again', async () => {
    await using dir = await tempDir('ssh');
    const grants = new Grants();
    const backend = await SshBackend.create(await options(dir.path));
    const worker = makeWorker(backend, grants);
    try {
      const script = 'echo once >> ../runs.log; echo started; sleep 20';
      const t0 = Date.now();
      await assert.rejects(
        collect(
          worker,
          {
            ...rawRun({ sessionId: 's1', script, timeoutMs: 30_000 }),
            grant: await grants.issue({ sessionId: 's1', script, backend: 'ssh' }),
          },
          {
            onEvent: (e) => {
              if (e.kind === 'output') void sshd.dropConnections();
            },
          },
        ),
        (e: unknown) => e instanceof BackendUnavailableError && /lost/.test(e.message),
      );
      assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(readFileSync(join(dir.path, 's1', 'runs.log'), 'utf8'), 'once\n');
    } finally {
      await worker.close();
    }
  });

  test('a cwd that leaves the workspace through a symbolic link is refused', async () => {
    await using dir = await tempDir('ssh');
    const grants = new Grants();
    const backend = await SshBackend.create(await options(dir.path));
    const worker = makeWorker(backend, grants);
    try {
      const first = ['true'];
      await collect(worker, {
        ...rawRun({ sessionId: 's1', argv: first }),
        grant: await grants.issue({ sessionId: 's1', argv: first, backend: 'ssh' }),
      });
      await mkdir(join(dir.path, 'outside'));
      await symlink(join(dir.path, 'outside'), join(dir.path, 's1', 'workspace', 'link'));
      const argv = ['touch', 'escaped'];
      await assert.rejects(
        collect(worker, {
          ...rawRun({ sessionId: 's1', argv, cwd: 'link' }),
          grant: await grants.issue({ sessionId: 's1', argv, cwd: 'link', backend: 'ssh' }),
        }),
        (e: unknown) => e instanceof InvalidRunInputError && e.field === 'cwd',
      );
      assert.equal(existsSync(join(dir.path, 'outside', 'escaped')), false);
    } finally {
      await worker.close();
    }
  });

  test('unknown and changed host keys refuse to connect with a clear error; a wrong client key is refused', async () => {
    await using dir = await tempDir('ssh');
    const unknown = await options(dir.path, { knownHosts: parseKnownHosts('') });
    await assert.rejects(
      SshBackend.create(unknown),
      (e: unknown) => e instanceof HostKeyRefusedError && e.reason === 'unknown' && /not pinned/.test(e.message),
    );
    const other = join(dir.path, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherPub = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const changed = await options(dir.path, { knownHosts: parseKnownHosts(`[127.0.0.1]:${sshd.port} ${otherPub}\n`) });
    await assert.rejects(
      SshBackend.create(changed),
      (e: unknown) => e instanceof HostKeyRefusedError && e.reason === 'changed' && /CHANGED/.test(e.message),
    );
    const wrongKey = await options(dir.path, { privateKey: readFileSync(other) });
    await assert.rejects(
      SshBackend.create(wrongKey),
      (e: unknown) => e instanceof BackendUnavailableError && /key was not accepted/.test(e.message),
    );
  });

  test('createBackend reads terminal.ssh.* and names a missing key in its error', async () => {
    await using home = await tempDir('ssh-home');
    const yaml = (extra: string) =>
      `terminal:\n  backend: ssh\n  ssh:\n    host: 127.0.0.1\n    port: ${sshd.port}\n    user: ${sshd.user}\n${extra}`;
    await writeFile(
      join(home.path, 'config.yaml'),
      yaml(
        `    key_path: ${sshd.clientKeyPath}\n    known_hosts: ${sshd.knownHostsPath}\n    remote_dir: ~/hermes-test-${process.pid}\n`,
      ),
    );
    const ctx = (config: ReturnType<typeof loadConfig>) => ({
      config,
      env: {},
      clock: Date.now,
      workerId: 'wtest',
      logger: quietLogger,
    });
    const backend = await createBackend('ssh', ctx(loadConfig({ HERMES_HOME: home.path })));
    assert.ok(backend instanceof SshBackend);
    const remoteHome = execFileSync('sh', ['-c', `getent passwd ${sshd.user} | cut -d: -f6`], {
      encoding: 'utf8',
    }).trim();
    assert.equal(backend.remoteDir, join(remoteHome, `hermes-test-${process.pid}`));
    await backend.close();
    await writeFile(join(home.path, 'config.yaml'), yaml(`    known_hosts: ${sshd.knownHostsPath}\n`));
    await assert.rejects(
      createBackend('ssh', ctx(loadConfig({ HERMES_HOME: home.path }))),
      (e: unknown) => e instanceof BackendConfigError && e.key === 'terminal.ssh.key_path',
    );
  });
});
