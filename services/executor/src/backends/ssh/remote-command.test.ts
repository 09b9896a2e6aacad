// The generated command lines are run by a real /bin/sh here: quoting is proven by what the shell
// actually executes, not by comparing strings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  ESCAPE_MARKER,
  NOCWD_MARKER,
  PID_MARKER,
  remoteExecCommand,
  remoteOpenSessionCommand,
  shQuote,
} from './remote-command.ts';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-rc-')));
after(() => rmSync(base, { recursive: true, force: true }));
const root = join(base, 'ws');
mkdirSync(join(root, 'sub'), { recursive: true });

function sh(command: string, env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', SECRET_FROM_WORKER: 'x' }) {
  const r = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8', env });
  const [first, ...rest] = r.stdout.split('\n');
  return { first, out: rest.join('\n'), err: r.stderr, code: r.status };
}

describe('remote command lines', () => {
  test('shQuote survives quotes, expansions, globs and newlines', () => {
    for (const s of ["it's", '$(id) `id` $HOME', '*', 'a\nb', '', "'''", '\\n']) {
      assert.equal(sh(`printf %s ${shQuote(s)}; echo`).first, s.split('\n')[0]);
      const r = spawnSync('/bin/sh', ['-c', `printf %s ${shQuote(s)}`], { encoding: 'utf8' });
      assert.equal(r.stdout, s);
    }
  });

  test('argv reaches the program verbatim, env is exactly the explicit list, pid marker first', () => {
    const argv = ['/bin/sh', '-c', 'printf "%s|" "$@"; echo; env | sort', 'x', "a b'c", '$(echo pwned)', '*'];
    const r = sh(
      remoteExecCommand({ argv, cwd: join(root, 'sub'), rootReal: root, env: { PATH: '/usr/bin:/bin', FOO: 'b a r' } }),
    );
    assert.match(r.first ?? '', new RegExp(`^${PID_MARKER}\\d+$`));
    const [args, ...env] = r.out.split('\n').filter((l) => l !== '');
    assert.equal(args?.split('|').slice(0, 3).join('|'), "a b'c|$(echo pwned)|*");
    assert.deepEqual(
      env.filter((l) => !l.startsWith('PWD=') && !l.startsWith('SHLVL=') && !l.startsWith('_=')),
      ['FOO=b a r', 'PATH=/usr/bin:/bin'],
    );
    assert.equal(r.out.includes('SECRET_FROM_WORKER'), false);
  });

  test('runs in the cwd', () => {
    const r = sh(remoteExecCommand({ argv: ['pwd'], cwd: join(root, 'sub'), rootReal: root, env: { PATH: '/bin' } }));
    assert.equal(r.out, `${join(root, 'sub')}\n`);
  });

  test('a program name containing "=" is run, not taken as a variable', () => {
    const r = sh(remoteExecCommand({ argv: ['A=B'], cwd: root, rootReal: root, env: { PATH: '/bin' } }));
    assert.equal(r.code, 127);
  });

  test('missing cwd and a symlink out of the root are refused before anything runs', () => {
    const missing = sh(remoteExecCommand({ argv: ['touch', 'x'], cwd: join(root, 'nope'), rootReal: root, env: {} }));
    assert.equal(missing.first, NOCWD_MARKER);
    assert.equal(missing.code, 126);
    symlinkSync(base, join(root, 'out'));
    const esc = sh(remoteExecCommand({ argv: ['pwd'], cwd: join(root, 'out'), rootReal: root, env: {} }));
    assert.equal(esc.first, ESCAPE_MARKER);
    assert.equal(esc.out, '');
  });

  test('session set-up creates private directories and prints the real workspace path', () => {
    const d = join(base, "sess 'quoted'");
    const r = spawnSync('/bin/sh', ['-c', remoteOpenSessionCommand(d)], { encoding: 'utf8' });
    assert.equal(r.stdout.trim(), join(d, 'workspace'));
    const mode = spawnSync('stat', ['-c', '%a', join(d, 'home')], { encoding: 'utf8' }).stdout.trim();
    assert.equal(mode, '700');
  });
});
