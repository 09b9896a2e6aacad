import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DAYTONA_NOCWD_EXIT, daytonaCommand } from './daytona-command.ts';

// The string is what a toolbox session shell runs; run it with a real sh to check the argv and env
// arrive exactly, whatever bytes they hold.
function run(cmd: string): { out: string; code: number } {
  try {
    return {
      out: execFileSync(
        '/bin/sh',
        [
          '-c',
          `{ ${cmd}
} 2>&1`,
        ],
        { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', LEAK: 'x' } },
      ),
      code: 0,
    };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { out: err.stdout, code: err.status };
  }
}

test('daytonaCommand: argv survives quoting, env is exactly the list given, cwd is entered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-dcmd-'));
  try {
    const argv = ['printf', '%s|', "it's", '$(id)', 'a b', '`x`', ';', '"q"'];
    const r = run(daytonaCommand({ argv, cwd: dir, root: dir, env: { PATH: '/usr/bin:/bin', A: "v'1 $x" } }));
    assert.equal(r.code, 0);
    assert.equal(r.out, `it's|$(id)|a b|\`x\`|;|"q"|`);
    const env = run(daytonaCommand({ argv: ['env'], cwd: dir, root: dir, env: { PATH: '/usr/bin:/bin', A: '1' } }));
    assert.deepEqual(env.out.trim().split('\n').sort(), ['A=1', 'PATH=/usr/bin:/bin']);
    const pwd = run(daytonaCommand({ argv: ['pwd'], cwd: dir, root: dir, env: { PATH: '/usr/bin:/bin' } }));
    assert.equal(pwd.out.trim(), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('daytonaCommand: a missing cwd exits 126 with our message; `exit` stays inside its own sh -c', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-dcmd-'));
  const r = run(`${daytonaCommand({ argv: ['true'], cwd: join(dir, 'missing'), root: dir, env: {} })}; echo after`);
  rmSync(dir, { recursive: true, force: true });
  assert.match(r.out, /working directory does not exist/);
  assert.match(r.out, /after/, 'the wrapper ended the session shell');
  const code = run(
    daytonaCommand({ argv: ['sh', '-c', 'exit 7'], cwd: '/', root: '/', env: { PATH: '/usr/bin:/bin' } }),
  );
  assert.equal(code.code, 7);
  assert.equal(DAYTONA_NOCWD_EXIT, 126);
});
