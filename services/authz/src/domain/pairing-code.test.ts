import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PAIRING_LIMITS } from './limits.ts';
import {
  CODE_ALPHABET,
  codeMatches,
  generateCode,
  hashCode,
  isRequestId,
  newRequestId,
  normalizeCode,
} from './pairing-code.ts';

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

// Chi-square critical value for 31 degrees of freedom at p = 0.0001 (a correct generator fails
// one run in ten thousand per statistic).
const CRITICAL_31_DF = 66.6;

function distribution(codes: readonly string[]): { overall: number[]; perPosition: number[][] } {
  const overall = new Array<number>(32).fill(0);
  const perPosition = Array.from({ length: PAIRING_LIMITS.codeLength }, () => new Array<number>(32).fill(0));
  for (const code of codes) {
    for (let i = 0; i < code.length; i++) {
      const idx = CODE_ALPHABET.indexOf(code[i] ?? '');
      overall[idx] = (overall[idx] ?? 0) + 1;
      const row = perPosition[i];
      if (row) row[idx] = (row[idx] ?? 0) + 1;
    }
  }
  return { overall, perPosition };
}

describe('pairing code alphabet', () => {
  test('is the 32-character unambiguous alphabet without 0, O, 1 or I', () => {
    assert.equal(CODE_ALPHABET, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789');
    assert.equal(new Set(CODE_ALPHABET).size, 32);
    for (const ch of ['0', 'O', '1', 'I']) assert.ok(!CODE_ALPHABET.includes(ch), ch);
  });
});

describe('generateCode', () => {
  test('8 characters, every one from the alphabet', () => {
    for (let i = 0; i < 1000; i++) {
      const code = generateCode();
      assert.equal(code.length, 8);
      for (const ch of code) assert.ok(CODE_ALPHABET.includes(ch), `${ch} not in alphabet`);
    }
  });

  test('100k codes are uniform over the alphabet overall and at every position (chi-square)', () => {
    const codes = Array.from({ length: 100_000 }, () => generateCode());
    const { overall, perPosition } = distribution(codes);
    assert.ok(chiSquare(overall) < CRITICAL_31_DF, `overall chi-square ${chiSquare(overall).toFixed(1)}`);
    for (const [i, row] of perPosition.entries()) {
      assert.ok(chiSquare(row) < CRITICAL_31_DF, `position ${i}: chi-square ${chiSquare(row).toFixed(1)}`);
    }
    // 100k draws from 2^40 codes: a collision is a one-in-200 event, many would mean a broken source.
    assert.ok(new Set(codes).size >= codes.length - 2);
  });

  test('the chi-square check catches a modulo-biased source', () => {
    const biased = (max: number) => Math.floor(Math.random() * (max + 1)) % max;
    const codes = Array.from({ length: 100_000 }, () => generateCode(biased));
    assert.ok(chiSquare(distribution(codes).overall) > CRITICAL_31_DF);
  });
});

describe('normalizeCode', () => {
  test('accepts any case, spaces and dashes', () => {
    assert.equal(normalizeCode('abc2-3def'), 'ABC23DEF');
    assert.equal(normalizeCode('  abcd efgh  '), 'ABCDEFGH');
    assert.equal(normalizeCode('AB-CD\tEF-GH'), 'ABCDEFGH');
  });

  test('refuses wrong length or alphabet', () => {
    for (const bad of [
      '',
      'WRONG',
      'INVALIDCODE',
      'ABCDEFG0',
      'ABCDEFGO',
      'ABCDEFG1',
      'ABCDEFGI',
      "ABCD'--;",
      'ÄBCDEFGH',
      'A'.repeat(10_000),
    ]) {
      assert.equal(normalizeCode(bad), undefined, bad.slice(0, 20));
    }
  });
});

describe('code hashes', () => {
  test('sha256(salt || code): 64-hex hash, 32-hex salt, unique salts, no plaintext', () => {
    const code = generateCode();
    const a = hashCode(code);
    const b = hashCode(code);
    assert.match(a.hash, /^[0-9a-f]{64}$/);
    assert.match(a.salt, /^[0-9a-f]{32}$/);
    assert.notEqual(a.salt, b.salt);
    assert.notEqual(a.hash, b.hash);
    assert.ok(!JSON.stringify(a).includes(code));
  });

  test('matches only the same code', () => {
    const stored = hashCode('ABCDEFGH');
    assert.equal(codeMatches('ABCDEFGH', stored), true);
    assert.equal(codeMatches('ABCDEFGJ', stored), false);
    assert.equal(codeMatches('ABCDEFGH', hashCode('ABCDEFGJ')), false);
  });
});

test('request ids are 16 hex characters', () => {
  const id = newRequestId();
  assert.ok(isRequestId(id));
  assert.equal(isRequestId('ABCDEF0123456789'), false);
  assert.equal(isRequestId('abc'), false);
});
