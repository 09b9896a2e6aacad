import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { envFileValues, runRedact } from './redact.ts';

async function redactChunks(chunks: readonly (string | Buffer)[], argv: readonly string[] = []) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (d) => {
    out += d;
  });
  const done = runRedact(argv, { env: {}, stdin, stdout, stderr });
  for (const c of chunks) stdin.write(c);
  stdin.end();
  const code = await done;
  return { code, out };
}

test('hermes redact streams stdin to stdout, catching secrets split across chunks', async () => {
  const { code, out } = await redactChunks([
    '$ env\nGITHUB_TOKEN=ghp_abcdef',
    'ghij1234567890XYZ\nHOME=/root\n',
    'tail without newline sk-proj-abc123def456ghi789jkl',
  ]);
  assert.equal(code, 0);
  assert.equal(out, '$ env\nGITHUB_TOKEN=***\nHOME=/root\ntail without newline [REDACTED:openai_key]');
});

test('multi-byte characters split across byte chunks survive', async () => {
  const bytes = Buffer.from('héllo wörld ✓\n');
  const { out } = await redactChunks([bytes.subarray(0, 2), bytes.subarray(2, 13), bytes.subarray(13)]);
  assert.equal(out, 'héllo wörld ✓\n');
});

test('--env-file values are redacted whatever their shape', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hermes-redact-'));
  try {
    const env = join(dir, '.env');
    await writeFile(env, '# secrets\nDB_PASS="correct horse battery"\nPORT=8080\nexport WEIRD=Zq8#x!y\n');
    const { out } = await redactChunks(['login with correct horse battery on 8080 and Zq8#x!y\n'], ['--env-file', env]);
    assert.equal(out, 'login with [REDACTED:known_secret] on 8080 and [REDACTED:known_secret]\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.deepEqual(envFileValues("A=1\n# c\nB='x y'\nC=v # note\n\n"), ['1', 'x y', 'v']);
});
