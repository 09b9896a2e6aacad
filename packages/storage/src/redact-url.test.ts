import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from './redact-url.ts';

test('redactUrl hides user:password in URLs, also inside longer text', () => {
  assert.equal(redactUrl('postgres://app:s3cr%40t@db:5432/x'), 'postgres://***@db:5432/x');
  assert.equal(
    redactUrl('connect to redis://default:pw@cache:6379 failed; retry postgresql://u:p@h/d'),
    'connect to redis://***@cache:6379 failed; retry postgresql://***@h/d',
  );
  assert.equal(
    redactUrl('postgres://h/d?sslmode=require&password=pw1&x=1'),
    'postgres://h/d?sslmode=require&password=***&x=1',
  );
});

test('redactUrl leaves URLs without a password unchanged', () => {
  for (const url of ['postgres://postgres@127.0.0.1:5432/postgres', 'nats://127.0.0.1:4222', 'http://h/a:b@c']) {
    assert.equal(redactUrl(url), url);
  }
});
