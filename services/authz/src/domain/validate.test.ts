import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commonv1 } from '@hermes/proto';
import { InvalidInputError } from '../errors.ts';
import {
  validateChatType,
  validateCheckPlatform,
  validateDisplayName,
  validateOptionalPairingPlatform,
  validatePairingPlatform,
  validateUserId,
} from './validate.ts';

const P = commonv1.Platform;

function rejects(fn: () => unknown, field: string): void {
  assert.throws(fn, (err: unknown) => err instanceof InvalidInputError && err.field === field);
}

describe('platform', () => {
  test('the closed set: unknown and unspecified values are refused', () => {
    assert.equal(validateCheckPlatform(P.TELEGRAM), P.TELEGRAM);
    assert.equal(validateCheckPlatform(P.API), P.API);
    for (const bad of [0, 99, -1, 8]) rejects(() => validateCheckPlatform(bad), 'platform');
  });

  test('pairing exists on the five chat platforms only', () => {
    for (const p of [P.TELEGRAM, P.DISCORD, P.SLACK, P.WHATSAPP, P.SIGNAL]) assert.equal(validatePairingPlatform(p), p);
    rejects(() => validatePairingPlatform(P.API), 'platform');
    rejects(() => validatePairingPlatform(P.CLI), 'platform');
    assert.equal(validateOptionalPairingPlatform(0), undefined);
  });
});

describe('user id', () => {
  test('accepts the ids the platforms use', () => {
    for (const id of [
      '123456789',
      '-1001234567890',
      'U01ABC123',
      '15551234567@s.whatsapp.net',
      '999@lid',
      '+15551234567',
      'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
    ]) {
      assert.equal(validateUserId(id), id);
    }
  });

  test('refuses empty, 10 kB, control characters, SQL-looking text, spaces, unicode tricks', () => {
    const bad = [
      '',
      'x'.repeat(10_240),
      'a\nb',
      'a\u0000b',
      "1' OR '1'='1",
      '1;DROP TABLE authz.approved_users;--',
      'alice bob',
      'user\u200b1',
      'ｕｓｅｒ',
      '../etc',
      'a,b',
    ];
    for (const id of bad) rejects(() => validateUserId(id), 'user_id');
  });

  test('the message never echoes the value', () => {
    try {
      validateUserId('secret value');
      assert.fail('expected a throw');
    } catch (err) {
      assert.ok(err instanceof Error && !err.message.includes('secret value'));
    }
  });
});

describe('display name and chat type', () => {
  test('display names: printable, bounded, trimmed', () => {
    assert.equal(validateDisplayName('  Alice 👋 '), 'Alice 👋');
    assert.equal(validateDisplayName(''), '');
    rejects(() => validateDisplayName('a\u0007b'), 'display_name');
    rejects(() => validateDisplayName('evil\u202eeman'), 'display_name');
    rejects(() => validateDisplayName('x'.repeat(129)), 'display_name');
  });

  test('chat types outside the enum are refused', () => {
    assert.equal(validateChatType(1), 1);
    rejects(() => validateChatType(42), 'chat_type');
  });
});
