import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, REDACTED } from './logger.ts';
import { redactSecrets } from './redact.ts';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; raw: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const raw = () => chunks.join('');
  return {
    stream,
    raw,
    lines: () =>
      raw()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

test('logger redacts tokens, passwords, pairing codes, api keys, auth headers and env values', () => {
  const out = capture();
  const log = createLogger({ service: 'authz', level: 'info', destination: out.stream });
  log.info(
    {
      token: 'tok-AAAAAAAAAAAA',
      password: 'hunter2-password',
      code: 'ABCD2345',
      pairingCode: 'QRST6789',
      ctx: { api_key: 'sk-live-1234567890', apiKey: 'sk-other-0987654321' },
      req: { headers: { authorization: 'Bearer eyJhbGciOi.secret', 'x-api-key': 'xkey-13579' } },
      mcp: { env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_0123456789abcdef' } },
      platform: 'telegram',
      userId: '123456789',
    },
    'pairing code issued',
  );
  const raw = out.raw();
  for (const secret of [
    'tok-AAAAAAAAAAAA',
    'hunter2-password',
    'ABCD2345',
    'QRST6789',
    'sk-live-1234567890',
    'sk-other-0987654321',
    'eyJhbGciOi',
    'xkey-13579',
    'ghp_0123456789abcdef',
  ]) {
    assert.ok(!raw.includes(secret), `${secret} leaked into the log line`);
  }
  const [line] = out.lines();
  assert.ok(line);
  assert.equal(line.msg, 'pairing code issued');
  assert.equal(line.service, 'authz');
  assert.equal(line.level, 'info');
  assert.equal(line.code, REDACTED);
  assert.equal(line.platform, 'telegram', 'ordinary context survives');
  assert.equal(line.userId, '123456789');
  const req = line.req as { headers: Record<string, string> };
  assert.equal(req.headers.authorization, REDACTED);
});

test('redaction reaches any depth, arrays and child bindings, and keeps Error codes', () => {
  const out = capture();
  const log = createLogger({ service: 'gateway', destination: out.stream })
    .child({ scope: 'adapter' })
    .child({ apiKey: 'child-binding-key-42' });
  const err = Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
  log.warn(
    {
      a: { b: { c: { d: { Password: 'deep-password-77' } } } },
      list: [{ token: 'in-array-token-88' }, 'plain'],
      err,
    },
    'deep',
  );
  const raw = out.raw();
  for (const secret of ['child-binding-key-42', 'deep-password-77', 'in-array-token-88']) {
    assert.ok(!raw.includes(secret), `${secret} leaked`);
  }
  const [line] = out.lines() as [{ list: unknown[]; err: { code: string; message: string } }];
  assert.equal(line.list[1], 'plain');
  assert.equal(line.err.code, 'ECONNREFUSED', 'errno codes on Error objects survive');
  assert.equal(line.err.message, 'connect refused');
});

test('redactSecrets returns the same object when nothing matches (no copy on the hot path)', () => {
  const ctx = { requestId: 'r1', nested: { platform: 'slack', ids: [1, 2] } };
  assert.equal(redactSecrets(ctx), ctx);
  const withSecret = { nested: { token: 't' } };
  const redacted = redactSecrets(withSecret);
  assert.notEqual(redacted, withSecret);
  assert.equal(withSecret.nested.token, 't', 'input is not mutated');
  assert.equal(redacted.nested.token, REDACTED);
});

test('logger honours the level and adds no trace ids outside a span', () => {
  const out = capture();
  const log = createLogger({ service: 'gateway', level: 'warn', destination: out.stream });
  log.info({ a: 1 }, 'hidden');
  log.warn({ a: 2 }, 'shown');
  const lines = out.lines();
  assert.deepEqual(
    lines.map((l) => l.msg),
    ['shown'],
  );
  assert.equal(lines[0]?.trace_id, undefined);
});

test('redactLine removes secrets that hide inside ordinary strings', async () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const secret = 'value-only-known-to-config-8Hq2';
  const logger = createLogger({
    service: 't',
    destination,
    redactLine: (s) => s.split(secret).join('[REDACTED]'),
  });
  logger.info({ detail: `stderr said ${secret}` }, 'command failed');
  await new Promise((r) => setImmediate(r));
  assert.equal(lines.length, 1);
  assert.ok(!lines[0]!.includes(secret));
  assert.match(lines[0]!, /stderr said \[REDACTED\]/);
});
