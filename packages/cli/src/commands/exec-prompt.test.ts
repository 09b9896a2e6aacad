import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { ask, parseAnswer, promptLine } from './exec-prompt.ts';

const sink = () => {
  let text = '';
  const w = new Writable({
    write(c, _e, cb) {
      text += c.toString();
      cb();
    },
  });
  return { w, text: () => text };
};

test('answers: o/s/a pick offered choices; Enter, junk and unoffered choices deny', () => {
  const all = ['once', 'session', 'always', 'deny'];
  assert.equal(parseAnswer('o', all), 'once');
  assert.equal(parseAnswer(' S ', all), 'session');
  assert.equal(parseAnswer('always', all), 'always');
  assert.equal(parseAnswer('', all), 'deny');
  assert.equal(parseAnswer('yes', all), 'deny');
  assert.equal(parseAnswer('a', ['once', 'session', 'deny']), 'deny');
  assert.equal(promptLine(all, 60), 'Allow? [o]nce | [s]ession | [a]lways | [D]eny (denied in 60s): ');
  assert.equal(promptLine(['once', 'deny'], 5), 'Allow? [o]nce | [D]eny (denied in 5s): ');
});

test('ask reads one line; end of input and the deadline deny', async () => {
  const out = sink();
  const input = new PassThrough();
  const p = ask(input, out.w, ['once', 'deny'], Date.now() + 5_000);
  input.write('o\n');
  assert.deepEqual(await p, { choice: 'once', timedOut: false });
  assert.match(out.text(), /\[o\]nce \| \[D\]eny/);

  const closed = new PassThrough();
  const p2 = ask(closed, sink().w, ['once', 'deny'], Date.now() + 5_000);
  closed.end();
  assert.deepEqual(await p2, { choice: 'deny', timedOut: false });

  const silent = new PassThrough();
  const started = Date.now();
  assert.deepEqual(await ask(silent, sink().w, ['once', 'deny'], Date.now() + 150), { choice: 'deny', timedOut: true });
  assert.ok(Date.now() - started >= 140);
});
