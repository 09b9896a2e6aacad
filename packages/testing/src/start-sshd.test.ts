import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { isRunning } from './process-info.ts';
import { type SshdHandle, startSshd } from './start-sshd.ts';

const run = promisify(execFile);

function sshArgs(sshd: SshdHandle, extra: readonly string[] = []): string[] {
  return [
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
    ...extra,
    `${sshd.user}@127.0.0.1`,
  ];
}

test('startSshd: key login with the pinned host key works, passwords are refused, stop() cleans up', async () => {
  const sshd = await startSshd();
  const pid = sshd.pid as number;
  const { stdout } = await run('ssh', [...sshArgs(sshd), 'echo ok-$((40+2))']);
  assert.equal(stdout, 'ok-42\n');
  await assert.rejects(
    run('ssh', [...sshArgs(sshd, ['-o', 'PreferredAuthentications=password,keyboard-interactive']), 'true']),
    // The server lists the methods it offers: only publickey.
    /Permission denied \(publickey\)/,
  );
  const dir = sshd.dir;
  await sshd.stop();
  await sshd.stop();
  assert.equal(await isRunning(pid), false);
  assert.equal(existsSync(dir), false);
});

test('startSshd: dropConnections ends live sessions and keeps listening; restart keeps port and host key', async () => {
  await using sshd = await startSshd();
  const child = spawn('ssh', [...sshArgs(sshd), 'sleep 30'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  await new Promise((r) => setTimeout(r, 700));
  const t0 = Date.now();
  await sshd.dropConnections();
  assert.notEqual(await exited, 0);
  assert.ok(Date.now() - t0 < 5000);
  assert.equal((await run('ssh', [...sshArgs(sshd), 'echo again'])).stdout, 'again\n');
  const port = sshd.port;
  await sshd.restart();
  assert.equal(sshd.port, port);
  assert.equal((await run('ssh', [...sshArgs(sshd), 'echo back'])).stdout, 'back\n');
});
