import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createRedactor } from '@hermes/security';
import { OutputPump } from './output-pump.ts';

const SECRET = 'sk-pumpSecret0123456789abcdefghij';

async function drain(pump: OutputPump): Promise<{ stdout: string; stderr: string; chunks: number }> {
  let stdout = '';
  let stderr = '';
  let chunks = 0;
  for (let c = await pump.next(); c; c = await pump.next()) {
    chunks++;
    if (c.stream === 'stdout') stdout += c.data.toString();
    else stderr += c.data.toString();
  }
  return { stdout, stderr, chunks };
}

test('redacts a known secret split across chunks and a UTF-8 character split across reads', async () => {
  const out = new PassThrough();
  const err = new PassThrough();
  const pump = new OutputPump(
    { stdout: out, stderr: err },
    { redactor: createRedactor({ knownSecrets: [SECRET] }), maxBytesPerStream: 1 << 20 },
  );
  const euro = Buffer.from('€');
  out.write(`key ${SECRET.slice(0, 10)}`);
  out.write(`${SECRET.slice(10)} `);
  out.write(euro.subarray(0, 1));
  out.end(Buffer.concat([euro.subarray(1), Buffer.from('\n')]));
  err.end('plain\n');
  const r = await drain(pump);
  assert.ok(!r.stdout.includes(SECRET.slice(4, 20)), r.stdout);
  assert.match(r.stdout, /^key \[REDACTED[^\]]*\] €\n$/);
  assert.equal(r.stderr, 'plain\n');
});

test('bounded: a slow reader pauses the source instead of buffering without limit', async () => {
  const out = new PassThrough({ highWaterMark: 1024 });
  const err = new PassThrough();
  err.end();
  const pump = new OutputPump(
    { stdout: out, stderr: err },
    { redactor: createRedactor(), maxBytesPerStream: 1 << 30, highWaterBytes: 64 * 1024, maxChunkBytes: 16 * 1024 },
  );
  const line = `${'y'.repeat(1023)}\n`;
  let written = 0;
  // Write until the pipe pushes back (as a process would block on a full pipe).
  while (out.write(line)) {
    written += line.length;
    if (written > 8 * 1024 * 1024) break;
  }
  await new Promise((r) => setImmediate(r));
  assert.ok(written < 1024 * 1024, `the source was never paused (${written} bytes accepted)`);
  out.end();
  const r = await drain(pump);
  assert.ok(r.stdout.length >= written);
  assert.ok(r.chunks > 1);
});

test('truncates each stream at its cap and flags it, still reading to the end', async () => {
  const out = new PassThrough();
  const err = new PassThrough();
  const pump = new OutputPump({ stdout: out, stderr: err }, { redactor: createRedactor(), maxBytesPerStream: 100 });
  out.end(`${'a'.repeat(99)}\n${'b'.repeat(500)}\n`);
  err.end('short\n');
  const r = await drain(pump);
  assert.equal(r.stdout.length, 100);
  assert.equal(pump.truncated('stdout'), true);
  assert.equal(pump.truncated('stderr'), false);
  assert.equal(r.stderr, 'short\n');
  assert.equal(pump.done, true);
});
