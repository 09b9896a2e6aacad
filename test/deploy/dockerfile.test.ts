import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const text = readFileSync(new URL('../../deploy/docker/Dockerfile', import.meta.url), 'utf8');
/** Instructions with line continuations joined and comments dropped. */
const instructions = text
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

test('Dockerfile: multi-stage on node:24-bookworm-slim, runs as UID 10000, hermes entrypoint', () => {
  const base = instructions.find((l) => l.startsWith('ARG NODE_IMAGE='));
  assert.equal(base, 'ARG NODE_IMAGE=node:24-bookworm-slim');
  const froms = instructions.filter((l) => l.startsWith('FROM '));
  assert.ok(froms.length >= 2, 'multi-stage');
  for (const f of froms) assert.match(f, /^FROM \$\{NODE_IMAGE\} AS \w+$/);

  const users = instructions.filter((l) => l.startsWith('USER '));
  assert.deepEqual(users, ['USER 10000:10000'], 'final user is UID 10000');
  const lastFrom = instructions.lastIndexOf(froms.at(-1)!);
  assert.ok(instructions.indexOf(users[0]!) > lastFrom, 'USER is set in the runtime stage');

  assert.ok(instructions.includes('ENTRYPOINT ["node", "packages/cli/bin/hermes.js"]'));
  assert.match(instructions.find((l) => l.startsWith('CMD ')) ?? '', /^CMD \["serve", "\w+"\]$/);
  assert.ok(
    instructions.some((l) => /pnpm install .*--prod/.test(l) && l.includes('--frozen-lockfile')),
    'production deps from the lockfile',
  );
});
