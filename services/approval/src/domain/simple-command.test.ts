import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSimpleCommand } from './simple-command.ts';

test('simple commands: quoted control characters are data', () => {
  for (const c of ['git status', 'ls -la /tmp', "grep 'a|b' file", 'echo "a; b"', 'printf %s\\;', "echo '$(x)'"]) {
    assert.ok(isSimpleCommand(c), c);
  }
});

test('separators, substitutions, redirects and newlines disqualify', () => {
  for (const c of [
    'a; b',
    'a && b',
    'a | b',
    'a > f',
    'a < f',
    'a & b',
    'echo $(id)',
    'echo `id`',
    'echo "$(id)"',
    'echo "`id`"',
    'a\nb',
    'a\\\nb',
    "echo 'unterminated",
    'bash -c "a; b"',
    "python3 -c 'import os; os.system(1)'",
    "node -e 'a|b'",
  ]) {
    assert.ok(!isSimpleCommand(c), JSON.stringify(c));
  }
});
