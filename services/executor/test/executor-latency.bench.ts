// Executor latencies, ours next to the baseline in one run: local backend vs a bare spawn, docker
// backend exec vs the `docker exec` CLI, first command of a new session with and without the warm
// pool. Each figure is the whole run as a caller sees it (grant verified, output redacted).
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSshd } from '@hermes/testing';
import { LocalBackend } from '../src/backends/local/local-backend.ts';
import { parseKnownHosts } from '../src/backends/ssh/known-hosts.ts';
import { SshBackend } from '../src/backends/ssh/ssh-backend.ts';
import { dockerFixture } from './docker-harness.ts';
import { collect, Grants, makeWorker, rawRun, tempDir } from './worker-harness.ts';

const execFileAsync = promisify(execFile);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

async function time(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const rows: Array<[string, number[]]> = [];
const grants = new Grants();
await using dir = await tempDir('bench');

// Local backend vs bare spawn of `true`.
{
  const worker = makeWorker(
    new LocalBackend({
      sandboxDir: join(dir.path, 'local'),
      messagingCwd: undefined,
      persistent: true,
      sandbox: 'none',
      network: false,
      hostEnv: { PATH: process.env.PATH },
      clock: Date.now,
    }),
    grants,
  );
  const argv = ['true'];
  const runOnce = async () =>
    collect(worker, {
      ...rawRun({ sessionId: 'b', argv }),
      grant: await grants.issue({ sessionId: 'b', argv, backend: 'local' }),
    });
  await runOnce();
  const bare = () =>
    new Promise<void>((res) => spawn('true', [], { stdio: ['ignore', 'pipe', 'pipe'] }).once('exit', () => res()));
  await bare();
  // Grants are issued outside the timed part: signing is approval's cost, not the executor's.
  const pre = await Promise.all(
    Array.from({ length: 60 }, () => grants.issue({ sessionId: 'b', argv, backend: 'local' })),
  );
  let i = 0;
  rows.push([
    'local backend, `true`',
    await time(60, () => collect(worker, { ...rawRun({ sessionId: 'b', argv }), grant: pre[i++] as Uint8Array })),
  ]);
  rows.push(['bare child_process.spawn, `true`', await time(60, bare)]);
  await worker.close();
}

// Docker: backend exec vs CLI on the same container; first command warm vs cold.
{
  await using fx = await dockerFixture();
  const backend = await fx.make({ sandboxDir: join(dir.path, 'docker'), warmPool: 1 });
  await backend.fillPool();
  const worker = makeWorker(backend, grants);
  const argv = ['true'];
  const exec = async (sid: string, g?: Uint8Array) =>
    collect(worker, {
      ...rawRun({ sessionId: sid, argv }),
      grant: g ?? (await grants.issue({ sessionId: sid, argv, backend: 'docker' })),
    });
  // Warm first command: a new session claims the pre-started container.
  const warm: number[] = [];
  const cold: number[] = [];
  for (let k = 0; k < 5; k++) {
    await backend.fillPool();
    const g = await grants.issue({ sessionId: `warm${k}`, argv, backend: 'docker' });
    const t0 = performance.now();
    await exec(`warm${k}`, g);
    warm.push(performance.now() - t0);
    await worker.endSession(`warm${k}`);
  }
  const coldBackend = await fx.make({ sandboxDir: join(dir.path, 'docker-cold'), warmPool: 0 });
  const coldWorker = makeWorker(coldBackend, grants);
  for (let k = 0; k < 5; k++) {
    const g = await grants.issue({ sessionId: `cold${k}`, argv, backend: 'docker' });
    const t0 = performance.now();
    await collect(coldWorker, { ...rawRun({ sessionId: `cold${k}`, argv }), grant: g });
    cold.push(performance.now() - t0);
    await coldWorker.endSession(`cold${k}`);
  }
  await exec('hot');
  const hot = worker.sessions().find((s) => s.session.sessionId === 'hot');
  if (!hot) throw new Error('session hot is not held');
  const id = (hot.session as unknown as { containerId: string }).containerId;
  const pre = await Promise.all(
    Array.from({ length: 30 }, () => grants.issue({ sessionId: 'hot', argv, backend: 'docker' })),
  );
  let i = 0;
  rows.push(['docker backend exec, `true`', await time(30, () => exec('hot', pre[i++]))]);
  rows.push(['`docker exec` CLI, `true`', await time(30, () => execFileAsync('docker', ['exec', id, 'true']))]);
  rows.push(['docker first command, warm pool', warm]);
  rows.push(['docker first command, no pool (cold)', cold]);
  await coldWorker.close();
  await worker.close();
}

// SSH: our backend (one reused ssh2 connection) vs the `ssh` CLI over a ControlMaster socket, both
// against the same real sshd on loopback, `true` each time.
{
  await using sshd = await startSshd();
  const backend = await SshBackend.create({
    target: {
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.user,
      privateKey: await readFile(sshd.clientKeyPath),
      knownHosts: parseKnownHosts(await readFile(sshd.knownHostsPath, 'utf8')),
      knownHostsPath: sshd.knownHostsPath,
      keepaliveIntervalMs: 15_000,
    },
    remoteDir: join(dir.path, 'ssh'),
    persistent: true,
    clock: Date.now,
  });
  const worker = makeWorker(backend, grants);
  const argv = ['true'];
  await collect(worker, {
    ...rawRun({ sessionId: 'b', argv }),
    grant: await grants.issue({ sessionId: 'b', argv, backend: 'ssh' }),
  });
  const pre = await Promise.all(
    Array.from({ length: 30 }, () => grants.issue({ sessionId: 'b', argv, backend: 'ssh' })),
  );
  let i = 0;
  rows.push([
    'ssh backend, `true` (reused connection)',
    await time(30, () => collect(worker, { ...rawRun({ sessionId: 'b', argv }), grant: pre[i++] as Uint8Array })),
  ]);
  const sock = join(sshd.dir, 'cm.sock');
  const common = [
    '-p',
    String(sshd.port),
    '-i',
    sshd.clientKeyPath,
    '-o',
    `UserKnownHostsFile=${sshd.knownHostsPath}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-S',
    sock,
  ];
  await execFileAsync('ssh', [...common, '-M', '-o', 'ControlPersist=60', '-N', '-f', `${sshd.user}@127.0.0.1`]);
  const cli = () => execFileAsync('ssh', [...common, '-o', 'ControlMaster=no', `${sshd.user}@127.0.0.1`, 'true']);
  await cli();
  rows.push(['`ssh` CLI over ControlMaster, `true`', await time(30, cli)]);
  await execFileAsync('ssh', [...common, '-O', 'exit', `${sshd.user}@127.0.0.1`]).catch(() => {});
  await worker.close();
}

const fmt = (n: number) => n.toFixed(2).padStart(9);
process.stdout.write(
  `\n${'measurement'.padEnd(42)} ${'n'.padStart(4)} ${'p50 ms'.padStart(9)} ${'p90 ms'.padStart(9)}\n`,
);
for (const [name, xs] of rows)
  process.stdout.write(`${name.padEnd(42)} ${String(xs.length).padStart(4)} ${fmt(pct(xs, 50))} ${fmt(pct(xs, 90))}\n`);
const p50 = (name: string) => pct(rows.find((r) => r[0] === name)?.[1] ?? [], 50);
process.stdout.write(
  `\nlocal overhead p50: ${(p50('local backend, `true`') - p50('bare child_process.spawn, `true`')).toFixed(2)} ms; ` +
    `docker exec p50 ours/CLI: ${(p50('docker backend exec, `true`') / p50('`docker exec` CLI, `true`')).toFixed(2)}; ` +
    `warm/cold first command: ${(p50('docker first command, warm pool') / p50('docker first command, no pool (cold)')).toFixed(2)}; ` +
    `ssh p50 ours/CLI: ${(p50('ssh backend, `true` (reused connection)') / p50('`ssh` CLI over ControlMaster, `true`')).toFixed(2)}\n`,
);
