import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidRunInputError } from '../errors.ts';
import { envNameProblem } from './env-policy.ts';
import { RunLimits } from './limits.ts';
import { type RawRunInput, resolveCwd, taskKeyOf, validateCwdText, validateRunInput } from './run-input.ts';

const base: RawRunInput = {
  sessionId: 's1',
  argv: [],
  script: 'echo hi',
  cwd: '',
  env: {},
  timeoutMs: undefined,
  stdin: new Uint8Array(),
  messaging: false,
  taskId: '',
};

function invalid(over: Partial<RawRunInput>, field: string | RegExp): void {
  assert.throws(
    () => validateRunInput({ ...base, ...over }),
    (e: unknown) =>
      e instanceof InvalidRunInputError && (typeof field === 'string' ? e.field === field : field.test(e.field)),
  );
}

test('a script becomes the argv approval signs; argv passes through', () => {
  assert.deepEqual(validateRunInput(base).argv, ['bash', '-c', 'echo hi']);
  assert.deepEqual(validateRunInput({ ...base, script: '', argv: ['ls', '-la'] }).argv, ['ls', '-la']);
  assert.equal(validateRunInput(base).timeoutMs, RunLimits.defaultTimeoutMs);
});

test('exactly one of argv and script; caps on counts and sizes; no NUL', () => {
  invalid({ script: '' }, 'argv');
  invalid({ argv: ['ls'] }, 'argv');
  invalid({ script: '', argv: [''] }, 'argv[0]');
  invalid({ script: '', argv: Array.from({ length: RunLimits.maxArgs + 1 }, () => 'x') }, 'argv');
  invalid({ script: '', argv: ['echo', 'x'.repeat(RunLimits.maxArgBytes + 1)] }, 'argv[1]');
  invalid({ script: '', argv: Array.from({ length: 10 }, () => 'x'.repeat(RunLimits.maxArgBytes)) }, 'argv');
  invalid({ script: '', argv: ['echo', 'a\0b'] }, 'argv[1]');
  invalid({ script: 'x'.repeat(RunLimits.maxScriptBytes + 1) }, 'script');
  invalid({ script: 'echo \0' }, 'script');
  invalid({ stdin: new Uint8Array(RunLimits.maxStdinBytes + 1) }, 'stdin');
  invalid({ timeoutMs: RunLimits.maxTimeoutMs + 1 }, 'timeout');
  invalid({ timeoutMs: -5 }, 'timeout');
});

test('session ids are short tokens', () => {
  invalid({ sessionId: '' }, 'session_id');
  invalid({ sessionId: 'a/b' }, 'session_id');
  invalid({ sessionId: '../x' }, 'session_id');
  invalid({ sessionId: 'x'.repeat(129) }, 'session_id');
  assert.equal(validateRunInput({ ...base, sessionId: 'telegram:123@chat' }).sessionId, 'telegram:123@chat');
});

test('working directories: no shell metacharacters, never out of the root', () => {
  for (const bad of ['a;b', '$(id)', '`id`', 'a|b', 'a&b', 'a>b', "a'b", 'a"b', 'a\nb', 'a*b', 'a\\b', 'a\u202eb']) {
    assert.throws(() => validateCwdText(bad), /disallowed character/, bad);
  }
  assert.throws(() => validateCwdText('~/x'), InvalidRunInputError);
  assert.equal(resolveCwd('', '/ws'), '/ws');
  assert.equal(resolveCwd('src/app', '/ws'), '/ws/src/app');
  assert.equal(resolveCwd('/ws/src', '/ws'), '/ws/src');
  assert.equal(resolveCwd('a/../b', '/ws'), '/ws/b');
  assert.throws(() => resolveCwd('..', '/ws'), /outside/);
  assert.throws(() => resolveCwd('a/../../etc', '/ws'), /outside/);
  assert.throws(() => resolveCwd('/etc', '/ws'), /outside/);
  assert.throws(() => resolveCwd('/ws2', '/ws'), /outside/, 'a sibling with the root as prefix is outside');
});

test('env: names validated, loader and start-up hooks refused, sizes capped', () => {
  assert.equal(envNameProblem('GREETING'), undefined);
  for (const n of [
    'LD_PRELOAD',
    'ld_library_path',
    'BASH_ENV',
    'BASH_FUNC_ls%%',
    'PATH',
    'NODE_OPTIONS',
    'PROMPT_COMMAND',
    'GIT_CONFIG_COUNT',
  ]) {
    assert.ok(envNameProblem(n), n);
  }
  invalid({ env: { '1X': 'v' } }, 'env.1X');
  invalid({ env: { 'A-B': 'v' } }, 'env.A-B');
  invalid({ env: { LD_PRELOAD: '/x.so' } }, 'env.LD_PRELOAD');
  invalid({ env: { A: 'x'.repeat(RunLimits.maxEnvValueBytes + 1) } }, 'env.A');
  invalid({ env: { A: 'a\0b' } }, 'env.A');
  invalid(
    { env: Object.fromEntries(Array.from({ length: RunLimits.maxEnvVars + 1 }, (_, i) => [`V${i}`, 'x'])) },
    'env',
  );
  invalid({ env: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`V${i}`, 'x'.repeat(30_000)])) }, 'env');
});

test('task keys are single safe path segments; different ids never collide', () => {
  assert.equal(taskKeyOf('task-1'), 'task-1');
  const a = taskKeyOf('../../etc');
  assert.doesNotMatch(a, /\//);
  assert.ok(!a.startsWith('.'));
  assert.notEqual(taskKeyOf('a/b'), taskKeyOf('a_b'));
  assert.ok(taskKeyOf('x'.repeat(500)).length <= 64);
  assert.equal(validateRunInput({ ...base, taskId: 'a/b' }).taskKey, taskKeyOf('a/b'));
  assert.equal(validateRunInput(base).taskKey, 's1');
});
