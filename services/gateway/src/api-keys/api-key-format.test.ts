import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerToken, generateApiKey, hashApiKey, keyMatches, parseApiKey } from './api-key-format.ts';

test('a generated key parses back to its id and matches only its own hash', () => {
  const a = generateApiKey();
  const b = generateApiKey();
  assert.match(a.secret, /^hk_[0-9a-f]{20}_[A-Za-z0-9_-]{43}$/);
  assert.equal(parseApiKey(a.secret)?.id, a.id);
  assert.notEqual(a.id, b.id);
  assert.ok(keyMatches(a.secret, a.hash));
  assert.ok(!keyMatches(b.secret, a.hash));
  // Same id, different secret: refused.
  const forged = `hk_${a.id}_${b.secret.slice(-43)}`;
  assert.equal(parseApiKey(forged)?.id, a.id);
  assert.ok(!keyMatches(forged, a.hash));
  assert.deepEqual(hashApiKey(a.secret), a.hash);
});

test('malformed keys and bearer headers are refused', () => {
  for (const k of [
    '',
    'hk_',
    'hk_zz_abc',
    `sk_${'a'.repeat(20)}_${'b'.repeat(43)}`,
    `hk_${'a'.repeat(20)}_${'b'.repeat(42)}`,
  ]) {
    assert.equal(parseApiKey(k), undefined, k);
  }
  assert.equal(bearerToken('Bearer abc'), 'abc');
  assert.equal(bearerToken('bearer   abc  '), 'abc');
  assert.equal(bearerToken('Basic abc'), undefined);
  assert.equal(bearerToken('Bearer a b'), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
