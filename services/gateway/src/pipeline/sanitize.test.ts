import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commonv1 } from '@hermes/proto';
import { InvalidRunRequestError } from '../errors.ts';
import { backendFromProto, MAX_COMMAND_BYTES, sanitizeRun } from './sanitize.ts';

const ok = { sessionId: 's-1', command: 'echo hi', backend: 'local' as const, cwd: '', timeoutSeconds: 0 };
const field = (f: string) => (e: unknown) => e instanceof InvalidRunRequestError && e.field === f;

test('a plain request passes unchanged', () => {
  assert.deepEqual(sanitizeRun(ok), ok);
  assert.deepEqual(sanitizeRun({ ...ok, cwd: 'sub/dir', command: 'ls\n  -la' }).cwd, 'sub/dir');
});

test('session ids, commands, cwd and timeouts are checked, naming the field and not echoing it', () => {
  assert.throws(() => sanitizeRun({ ...ok, sessionId: '' }), field('session_id'));
  assert.throws(() => sanitizeRun({ ...ok, sessionId: 'a b' }), field('session_id'));
  assert.throws(() => sanitizeRun({ ...ok, sessionId: 'x'.repeat(129) }), field('session_id'));
  assert.throws(() => sanitizeRun({ ...ok, command: '   ' }), field('command'));
  assert.throws(() => sanitizeRun({ ...ok, command: 'echo \0' }), field('command'));
  assert.throws(() => sanitizeRun({ ...ok, command: 'x'.repeat(MAX_COMMAND_BYTES + 1) }), field('command'));
  assert.throws(() => sanitizeRun({ ...ok, cwd: '/tmp;rm -rf /' }), field('cwd'));
  assert.throws(() => sanitizeRun({ ...ok, cwd: '$(id)' }), field('cwd'));
  assert.throws(() => sanitizeRun({ ...ok, cwd: '../../etc' }), field('cwd'));
  assert.throws(() => sanitizeRun({ ...ok, timeoutSeconds: 3601 }), field('timeout_seconds'));
  try {
    sanitizeRun({ ...ok, cwd: '/tmp;SECRET' });
  } catch (e) {
    assert.ok(e instanceof Error && !e.message.includes('SECRET'));
  }
});

test('backend: unspecified falls back to terminal.backend, unknown values are refused', () => {
  assert.equal(backendFromProto(commonv1.Backend.UNSPECIFIED, 'docker'), 'docker');
  assert.equal(backendFromProto(commonv1.Backend.SSH, 'local'), 'ssh');
  assert.throws(() => backendFromProto(99 as commonv1.Backend, 'local'), field('backend'));
});
