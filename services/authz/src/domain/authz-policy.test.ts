import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { authzv1, commonv1 } from '@hermes/proto';
import { buildPolicy } from './authz-policy.ts';

const P = commonv1.Platform;
const R = authzv1.Rule;

function policy(env: Record<string, string>) {
  return buildPolicy(loadConfig(env, { home: '/nonexistent/hermes-authz-test' }).gateway);
}

describe('the seed priority chain', () => {
  test('default deny when nothing is configured', () => {
    assert.deepEqual(policy({}).decide(P.TELEGRAM, '123', false), { allowed: false, rule: R.DEFAULT_DENY });
  });

  test('per-platform allow-all wins over everything, and only on its platform', () => {
    const p = policy({ DISCORD_ALLOW_ALL_USERS: 'true', DISCORD_ALLOWED_USERS: '1' });
    assert.deepEqual(p.decide(P.DISCORD, '1', true), { allowed: true, rule: R.PLATFORM_ALLOW_ALL });
    assert.equal(p.platformAllowsAll(P.DISCORD), true);
    assert.deepEqual(p.decide(P.TELEGRAM, '1', false), { allowed: false, rule: R.DEFAULT_DENY });
  });

  test('pairing approval comes before the allowlists', () => {
    const p = policy({ TELEGRAM_ALLOWED_USERS: '123', GATEWAY_ALLOWED_USERS: '123' });
    assert.deepEqual(p.decide(P.TELEGRAM, '123', true), { allowed: true, rule: R.PAIRING_APPROVED });
    assert.deepEqual(p.decide(P.TELEGRAM, '777', true), { allowed: true, rule: R.PAIRING_APPROVED });
  });

  test('platform allowlist, then global allowlist', () => {
    const p = policy({ TELEGRAM_ALLOWED_USERS: '123, 456', GATEWAY_ALLOWED_USERS: '456,789' });
    assert.deepEqual(p.decide(P.TELEGRAM, '456', false), { allowed: true, rule: R.PLATFORM_ALLOWLIST });
    assert.deepEqual(p.decide(P.TELEGRAM, '789', false), { allowed: true, rule: R.GLOBAL_ALLOWLIST });
    assert.deepEqual(p.decide(P.SLACK, '123', false), { allowed: false, rule: R.DEFAULT_DENY });
    assert.deepEqual(p.decide(P.SLACK, '789', false), { allowed: true, rule: R.GLOBAL_ALLOWLIST });
  });

  test('global allow-all is the last allowing link', () => {
    const p = policy({ GATEWAY_ALLOW_ALL_USERS: 'true', SLACK_ALLOWED_USERS: 'U1' });
    assert.deepEqual(p.decide(P.SLACK, 'U1', false), { allowed: true, rule: R.PLATFORM_ALLOWLIST });
    assert.deepEqual(p.decide(P.SIGNAL, '+1555', false), { allowed: true, rule: R.GLOBAL_ALLOW_ALL });
    assert.ok(p.warnings.some((w) => w.includes('restrict nobody')));
  });

  test('every platform env var name of the issue is honoured', () => {
    for (const [name, platform] of [
      ['TELEGRAM', P.TELEGRAM],
      ['DISCORD', P.DISCORD],
      ['SLACK', P.SLACK],
      ['WHATSAPP', P.WHATSAPP],
      ['SIGNAL', P.SIGNAL],
    ] as const) {
      const listed = policy({ [`${name}_ALLOWED_USERS`]: 'u1' });
      assert.equal(listed.decide(platform, 'u1', false).rule, R.PLATFORM_ALLOWLIST, name);
      const all = policy({ [`${name}_ALLOW_ALL_USERS`]: 'yes' });
      assert.equal(all.decide(platform, 'anyone', false).rule, R.PLATFORM_ALLOW_ALL, name);
      assert.equal(all.warnings.length, 1);
    }
  });

  test('matching is exact: no prefix, case or substring matches', () => {
    const p = policy({ SLACK_ALLOWED_USERS: 'U01ABC' });
    for (const id of ['u01abc', 'U01AB', 'U01ABCD', 'XU01ABC'])
      assert.equal(p.decide(P.SLACK, id, false).allowed, false, id);
  });

  test('WhatsApp: an allowlisted number admits its JID; other platforms take no alias', () => {
    const p = policy({ WHATSAPP_ALLOWED_USERS: '15551234567', SIGNAL_ALLOWED_USERS: '15551234567' });
    assert.equal(p.decide(P.WHATSAPP, '15551234567@s.whatsapp.net', false).rule, R.PLATFORM_ALLOWLIST);
    assert.equal(p.decide(P.SIGNAL, '15551234567@x', false).allowed, false);
  });

  test('`*` in a list admits everyone in its scope', () => {
    const p = policy({ SLACK_ALLOWED_USERS: '*' });
    assert.equal(p.decide(P.SLACK, 'anyone', false).rule, R.PLATFORM_ALLOWLIST);
    assert.equal(p.decide(P.TELEGRAM, 'anyone', false).allowed, false);
  });

  test('API and CLI callers have only the global rules and pairing', () => {
    const p = policy({ GATEWAY_ALLOWED_USERS: 'ops' });
    assert.equal(p.decide(P.API, 'ops', false).rule, R.GLOBAL_ALLOWLIST);
    assert.equal(p.decide(P.CLI, 'x', false).allowed, false);
  });
});

describe('malformed lists are a startup error naming the variable', () => {
  for (const [name, value] of [
    ['TELEGRAM_ALLOWED_USERS', '123,,456'],
    ['GATEWAY_ALLOWED_USERS', '123, ,456'],
    ['DISCORD_ALLOW_ALL_USERS', 'maybe'],
    ['GATEWAY_ALLOW_ALL_USERS', 'ture'],
  ] as const) {
    test(`${name}=${value}`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }, { home: '/nonexistent/hermes-authz-test' }),
        (err: unknown) => err instanceof Error && err.message.includes(name),
      );
    });
  }
});
