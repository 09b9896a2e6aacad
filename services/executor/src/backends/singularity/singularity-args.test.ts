import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { BackendConfigError } from '../../errors.ts';
import { createBackend } from '../create-backend.ts';
import { singularityArgs } from './singularity-args.ts';

const base = {
  image: '/images/python.sif',
  workspace: '/srv/hermes/sandboxes/singularity/t1/workspace',
  home: '/srv/hermes/sandboxes/singularity/t1/home',
  tmp: '/srv/hermes/sandboxes/singularity/t1/tmp',
  cwd: '/workspace/src',
  env: { HOME: '/hermes-home', GREETING: 'a b; $(x)' },
};

test('config maps to a contained, clean-environment exec with only the session bound in', () => {
  const args = singularityArgs({ ...base, network: false }, ['python3', '-c', 'print(1)']);
  assert.deepEqual(args, [
    'exec',
    '--containall',
    '--no-home',
    '--cleanenv',
    '--workdir',
    base.tmp,
    '--bind',
    `${base.workspace}:/workspace`,
    '--bind',
    `${base.home}:/hermes-home`,
    '--pwd',
    '/workspace/src',
    '--net',
    '--network',
    'none',
    '--env',
    'HOME=/hermes-home',
    '--env',
    'GREETING=a b; $(x)',
    '/images/python.sif',
    'python3',
    '-c',
    'print(1)',
  ]);
});

test('network allowed: no network namespace flags; argv after the image is passed untouched', () => {
  const args = singularityArgs({ ...base, network: true }, ['--env', 'X=1']);
  assert.equal(args.includes('--net'), false);
  assert.deepEqual(args.slice(-3), ['/images/python.sif', '--env', 'X=1']);
});

test('createBackend: singularity needs an image and the CLI on PATH, and says which key is wrong', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hermes-sg-'));
  try {
    const ctx = (yaml: string) => {
      writeFileSync(join(home, 'config.yaml'), yaml);
      const logger = { info() {}, warn() {} };
      return {
        config: loadConfig({ HERMES_HOME: home }),
        env: { PATH: '/nonexistent' },
        clock: Date.now,
        workerId: 'w',
        logger,
      };
    };
    await assert.rejects(
      createBackend('singularity', ctx('terminal:\n  backend: singularity\n')),
      (e: unknown) => e instanceof BackendConfigError && e.key === 'terminal.singularity.image',
    );
    await assert.rejects(
      createBackend('singularity', ctx('terminal:\n  singularity:\n    image: /x.sif\n')),
      (e: unknown) =>
        e instanceof BackendConfigError && e.key === 'terminal.singularity.binary' && /apptainer/.test(e.message),
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
