import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ensureDocker } from './ensure-docker.ts';

const execFileAsync = promisify(execFile);

async function dockerAnswers(): Promise<boolean> {
  try {
    await execFileAsync('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

test('ensureDocker gives a working engine and stops it only if it started it', async () => {
  const wasRunning = await dockerAnswers();
  const docker = await ensureDocker();
  assert.equal(docker.startedByUs, !wasRunning);
  assert.match(docker.serverVersion, /^\d+\.\d+/);
  assert.equal(await dockerAnswers(), true);

  // A second caller finds the engine running and must not own (or stop) it.
  const again = await ensureDocker();
  assert.equal(again.startedByUs, false);
  await again.stop();
  assert.equal(await dockerAnswers(), true);

  await docker.stop();
  await docker.stop();
  assert.equal(await dockerAnswers(), wasRunning, 'engine state after stop must match the state before');
});
