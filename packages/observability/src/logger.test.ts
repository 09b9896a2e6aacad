import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, REDACTED } from './logger.ts';

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
