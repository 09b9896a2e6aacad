import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedactor } from './redactor.ts';
import { createStreamRedactor } from './stream-redactor.ts';

const run = (chunks: readonly string[], opts = {}, known: string[] = []) => {
  const s = createStreamRedactor(createRedactor({ knownSecrets: known }), opts);
  return chunks.map((c) => s.push(c)).join('') + s.flush();
};

test('a secret split across chunks at every position is still caught', () => {
  const text =
    'line one\nexport GITHUB_TOKEN=ghp_abcdefghij1234567890XYZ and Authorization: Bearer abcdef0123456789zz\nend\n';
  for (let i = 1; i < text.length; i++) {
    const out = run([text.slice(0, i), text.slice(i)]);
    assert.ok(!out.includes('1234567890') && !out.includes('0123456789zz'), `split at ${i}: ${out}`);
    assert.ok(out.startsWith('line one\n') && out.endsWith('end\n'));
  }
});

test('known secrets split across chunks are caught', () => {
  const out = run(['the db pass is plain-', 'value-42 ok\n'], {}, ['plain-value-42']);
  assert.equal(out, 'the db pass is [REDACTED:known_secret] ok\n');
});

test('complete lines are emitted at once; only the partial line is held', () => {
  const s = createStreamRedactor(createRedactor());
  assert.equal(s.push('a\nb'), 'a\n');
  assert.equal(s.push('c\n'), 'bc\n');
  assert.equal(s.flush(), '');
});

test('held text is bounded on a huge line and tokens near the forced cut survive intact', () => {
  const s = createStreamRedactor(createRedactor(), { maxLineHold: 8192 });
  let out = '';
  const token = 'ghp_abcdefghij1234567890ABCDEF';
  for (let i = 0; i < 200; i++) out += s.push(`word${i} ${i % 37 === 0 ? token : 'x'.repeat(40)} `);
  out += s.flush();
  assert.ok(!out.includes('1234567890ABCDEF'));
});

test('a private key spanning many chunks never leaks, even beyond the hold limit', () => {
  const body = Array.from({ length: 400 }, (_, i) => `MIIEsecretline${i}abcdefghijklmnopqrstuvwxyz`).join('\n');
  const text = `before\n-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\nafter\n`;
  for (const size of [7, 100, 5000]) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    const out = run(chunks, { maxLineHold: 4096 });
    assert.ok(!out.includes('secretline'), `chunk ${size}`);
    assert.ok(
      out.startsWith('before\n') && out.endsWith('after\n') && out.includes('[REDACTED PRIVATE KEY]'),
      out.slice(0, 200),
    );
  }
});
