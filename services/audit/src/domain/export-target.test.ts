import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidExportTargetError } from '../errors.ts';
import { exportKey, parseExportTarget } from './export-target.ts';

test('s3 targets parse into bucket and prefix, normalized', () => {
  assert.deepEqual(parseExportTarget('s3://audit-bucket/hermes/prod/'), {
    bucket: 'audit-bucket',
    prefix: 'hermes/prod',
    url: 's3://audit-bucket/hermes/prod',
  });
  assert.deepEqual(parseExportTarget('s3://audit-bucket'), {
    bucket: 'audit-bucket',
    prefix: '',
    url: 's3://audit-bucket',
  });
});

test('anything else is refused', () => {
  for (const bad of ['', 'http://x/y', 's3://', 's3://UPPER/x', 's3://a/../b', 's3://ok-bucket/a b', 'file:///tmp']) {
    assert.throws(() => parseExportTarget(bad), InvalidExportTargetError, bad);
  }
});

test('keys sort in chain order and are stable per range', () => {
  const t = parseExportTarget('s3://b-1/p');
  const a = exportKey(t, 1, 999);
  const b = exportKey(t, 1000, 1500);
  assert.equal(a, 'p/hermes-audit-00000000000000000001-00000000000000000999.jsonl');
  assert.ok(a < b);
  assert.equal(
    exportKey(parseExportTarget('s3://b-1'), 1, 2),
    'hermes-audit-00000000000000000001-00000000000000000002.jsonl',
  );
});
