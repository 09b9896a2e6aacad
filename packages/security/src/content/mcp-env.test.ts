// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} references are the input under test
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { McpEnvInterpolationError } from './errors.ts';
import { buildMcpEnv, redactMcpError } from './mcp-env.ts';
import { createRedactor } from './redactor.ts';

test('only safe parent variables pass; the server block wins and interpolates platform secrets', () => {
  const env = buildMcpEnv({
    server: 'github',
    parentEnv: {
      PATH: '/usr/bin',
      HOME: '/root',
      XDG_CONFIG_HOME: '/x',
      OPENAI_API_KEY: 'sk-parent',
      AWS_SECRET_ACCESS_KEY: 'a',
      TERM: 'xterm',
      LANG: undefined,
    },
    serverEnv: {
      GITHUB_PERSONAL_ACCESS_TOKEN: '${GITHUB_TOKEN}',
      HOME: '/srv/mcp',
      LITERAL: '$${NOT_A_VAR}',
      MIXED: 'Bearer ${env:GITHUB_TOKEN}!',
    },
    secrets: { GITHUB_TOKEN: 'ghp_secretvalue123' },
  });
  assert.deepEqual(env, {
    PATH: '/usr/bin',
    HOME: '/srv/mcp',
    XDG_CONFIG_HOME: '/x',
    TERM: 'xterm',
    GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_secretvalue123',
    LITERAL: '${NOT_A_VAR}',
    MIXED: 'Bearer ghp_secretvalue123!',
  });
});

test('an unknown ${VAR} is an error naming server, key and variable, never an empty string', () => {
  assert.throws(
    () => buildMcpEnv({ server: 'db', parentEnv: {}, serverEnv: { PGPASSWORD: '${DB_PASS}' }, secrets: {} }),
    (e: unknown) =>
      e instanceof McpEnvInterpolationError && e.server === 'db' && e.key === 'PGPASSWORD' && e.variable === 'DB_PASS',
  );
});

test('MCP error text is redacted, including the platform secrets it may echo', () => {
  const r = createRedactor({ knownSecrets: ['plain-db-password-42'] });
  const out = redactMcpError('auth failed for token=ghp_abcdefghij1234567890 using plain-db-password-42', r);
  assert.ok(!out.includes('ghp_abcdefghij1234567890'));
  assert.ok(!out.includes('plain-db-password-42'));
  assert.ok(out.startsWith('auth failed for token='));
});
