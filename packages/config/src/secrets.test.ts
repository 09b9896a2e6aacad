import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './load-config.ts';
import { MASK, maskSecrets, secretValues } from './secrets.ts';

test('maskSecrets hides tokens, keys, passwords, MCP env and URL credentials; secretValues lists them', () => {
  const h = mkdtempSync(join(tmpdir(), 'hermes-secrets-'));
  try {
    writeFileSync(
      join(h, 'config.yaml'),
      [
        'approvals:',
        '  smart: { base_url: "https://llm.example/v1", model: m, api_key: sk-smart-0123456789 }',
        'mcp_servers:',
        '  github:',
        '    command: npx',
        '    env: { GITHUB_PERSONAL_ACCESS_TOKEN: ghp_abcdefghijklmnop }',
      ].join('\n'),
    );
    const c = loadConfig(
      {
        TELEGRAM_BOT_TOKEN: '123456789:AAEabcdefghijklmnopqrstuvwxyz0123456',
        DATABASE_URL: 'postgres://hermes:pg-p%40ss-word@db:5432/hermes',
        NATS_URL: 'nats://s3cr3t-nats-token@nats:4222',
        REDIS_URL: 'redis://redis:6379/0',
        HERMES_GRANT_KEY_ID: 'k1',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/v1?api_key=otel-key-1234',
      },
      { home: h },
    );
    const masked = maskSecrets(c);
    const text = JSON.stringify(masked);
    for (const secret of [
      'sk-smart-0123456789',
      'ghp_abcdefghijklmnop',
      'AAEabcdefghijklmnopqrstuvwxyz0123456',
      'pg-p%40ss-word',
      's3cr3t-nats-token',
      'otel-key-1234',
    ]) {
      assert.ok(!text.includes(secret), `${secret} leaked`);
    }
    const m = masked as {
      gateway: { platforms: { telegram: { bot_token: string } } };
      runtime: { database_url: string; redis_url: string; nats_url: string };
      approvals: { grants: { key_id: string }; smart: { base_url: string } };
    };
    assert.equal(m.gateway.platforms.telegram.bot_token, MASK);
    assert.equal(m.runtime.database_url, `postgres://hermes:${MASK}@db:5432/hermes`);
    assert.equal(m.runtime.redis_url, 'redis://redis:6379/0', 'URLs without credentials stay as they are');
    assert.equal(m.approvals.grants.key_id, 'k1', 'key ids are not secrets');
    assert.equal(m.approvals.smart.base_url, 'https://llm.example/v1');

    const values = secretValues(c);
    for (const s of [
      'sk-smart-0123456789',
      'ghp_abcdefghijklmnop',
      '123456789:AAEabcdefghijklmnopqrstuvwxyz0123456',
      'pg-p@ss-word',
      's3cr3t-nats-token',
      'otel-key-1234',
    ]) {
      assert.ok(values.includes(s), `${s} missing from secretValues`);
    }
    assert.ok(!values.includes('k1'));
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b.length - a.length),
      'longest first',
    );
  } finally {
    rmSync(h, { recursive: true, force: true });
  }
});
