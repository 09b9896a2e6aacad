import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ChainedEvent, canonicalJson, chainHash, GENESIS_HASH, jsonWithoutNul } from './chain-hash.ts';

const event: ChainedEvent = {
  id: '7f1c9a1e-0000-4000-8000-000000000001',
  timeMs: Date.parse('2026-03-01T12:00:00.123Z'),
  service: 'authz',
  kind: 'authz.check',
  outcome: 'denied',
  sessionId: '',
  actor: 'telegram:42',
  traceId: '',
  attributes: { rule: 'deny', nested: { b: 2, a: [1, 'x', null] } },
};

test('canonical JSON sorts keys at every level, so jsonb key order does not change the hash', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: 'x' } }),
    '{"a":{"c":"x","d":[2,{"y":0,"z":1}]},"b":1}',
  );
  const reordered: ChainedEvent = { ...event, attributes: { nested: { a: [1, 'x', null], b: 2 }, rule: 'deny' } };
  assert.equal(chainHash(GENESIS_HASH, reordered), chainHash(GENESIS_HASH, event));
});

test('the hash covers every event field and the previous hash', () => {
  const base = chainHash(GENESIS_HASH, event);
  assert.match(base, /^[0-9a-f]{64}$/);
  const variants: ChainedEvent[] = [
    { ...event, id: `${event.id.slice(0, -1)}2` },
    { ...event, timeMs: event.timeMs + 1 },
    { ...event, service: 'approval' },
    { ...event, kind: 'authz.pairing' },
    { ...event, outcome: 'allowed' },
    { ...event, sessionId: 's' },
    { ...event, actor: 'telegram:43' },
    { ...event, traceId: 'ab' },
    { ...event, attributes: { rule: 'allow', nested: { b: 2, a: [1, 'x', null] } } },
    { ...event, attributes: null },
  ];
  for (const v of variants) assert.notEqual(chainHash(GENESIS_HASH, v), base);
  assert.notEqual(chainHash('1'.repeat(64), event), base);
});

test('field boundaries cannot be shifted: "ab"+"c" and "a"+"bc" hash differently', () => {
  assert.notEqual(
    chainHash(GENESIS_HASH, { ...event, service: 'ab', kind: 'c' }),
    chainHash(GENESIS_HASH, { ...event, service: 'a', kind: 'bc' }),
  );
});

test('NUL characters (refused by Postgres text/jsonb) are replaced everywhere, keys included', () => {
  assert.deepEqual(jsonWithoutNul({ 'k\u0000': ['a\u0000b', 1, Number.NaN] }), { 'k\uFFFD': ['a\uFFFDb', 1, null] });
});
