import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globMatch, isGlob } from './glob.ts';

test('fnmatchcase semantics: * ? [..] [!..], anchored, case-sensitive', () => {
  assert.ok(globMatch('git push *', 'git push origin main'));
  assert.ok(!globMatch('git push *', 'git pushx'));
  assert.ok(!globMatch('git push *', 'sudo git push x'), 'anchored at the start');
  assert.ok(globMatch('rm ?', 'rm a'));
  assert.ok(!globMatch('rm ?', 'rm ab'));
  assert.ok(globMatch('chmod [67]77 *', 'chmod 777 x'));
  assert.ok(!globMatch('chmod [!7]77 *', 'chmod 777 x'));
  assert.ok(!globMatch('Git *', 'git status'));
  assert.ok(globMatch('a.b(c)', 'a.b(c)'), 'regex metacharacters are literal');
  assert.ok(!globMatch('a.b', 'axb'));
  assert.ok(globMatch('x [', 'x ['), 'an unclosed class is a literal');
  assert.ok(isGlob('a*') && isGlob('a?') && isGlob('a[b]') && !isGlob('plain text'));
});
