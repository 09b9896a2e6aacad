import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  hostKeyAlgorithms,
  keyFingerprint,
  knownHostName,
  parseKnownHosts,
  patternsMatch,
  pinnedKeys,
  verifyHostKey,
} from './known-hosts.ts';

// Real keys and real hashing from OpenSSH's ssh-keygen, so the parser is checked against the format
// OpenSSH writes, not against our own idea of it.
const dir = mkdtempSync(join(tmpdir(), 'hermes-kh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function keygen(name: string, type = 'ed25519'): { line: string; blob: Buffer; fingerprint: string } {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', f]);
  const line = readFileSync(`${f}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${f}.pub`], { encoding: 'utf8' }).split(' ')[1];
  return { line, blob: Buffer.from(line.split(' ')[1] as string, 'base64'), fingerprint: fp as string };
}

const a = keygen('a');
const b = keygen('b');
const rsa = keygen('r', 'rsa');

describe('known_hosts', () => {
  test('fingerprints match ssh-keygen -l', () => {
    assert.equal(keyFingerprint(a.blob), a.fingerprint);
    assert.equal(keyFingerprint(rsa.blob), rsa.fingerprint);
  });

  test('names: port 22 plain, other ports bracketed', () => {
    assert.equal(knownHostName('exec.example', 22), 'exec.example');
    assert.equal(knownHostName('10.0.0.5', 2222), '[10.0.0.5]:2222');
  });

  test('pinned key accepted; another key for the same host is "changed"; no line is "unknown"', () => {
    const lines = parseKnownHosts(`# comment\n\n[10.0.0.5]:2222 ${a.line} ops@laptop\n`);
    assert.deepEqual(verifyHostKey(lines, '10.0.0.5', 2222, a.blob), { ok: true });
    assert.deepEqual(verifyHostKey(lines, '10.0.0.5', 2222, b.blob), {
      ok: false,
      reason: 'changed',
      fingerprint: b.fingerprint,
    });
    // Same address, other port: a different host entry, so nothing is pinned for it.
    assert.equal(verifyHostKey(lines, '10.0.0.5', 22, a.blob).ok, false);
    assert.equal((verifyHostKey(lines, '10.0.0.5', 22, a.blob) as { reason: string }).reason, 'unknown');
  });

  test('hashed host names written by ssh-keygen -H match only their host', () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `[10.0.0.5]:2222 ${a.line}\nexec.example ${b.line}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /10\.0\.0\.5|exec\.example/);
    const lines = parseKnownHosts(text);
    assert.deepEqual(verifyHostKey(lines, '10.0.0.5', 2222, a.blob), { ok: true });
    assert.deepEqual(verifyHostKey(lines, 'exec.example', 22, b.blob), { ok: true });
    assert.equal((verifyHostKey(lines, 'exec.example', 22, a.blob) as { reason: string }).reason, 'changed');
    assert.equal((verifyHostKey(lines, 'other.example', 22, b.blob) as { reason: string }).reason, 'unknown');
  });

  test('patterns: lists, wildcards, negation', () => {
    assert.equal(patternsMatch('web1,*.exec.example', 'a.exec.example'), true);
    assert.equal(patternsMatch('web1,*.exec.example', 'exec.example'), false);
    assert.equal(patternsMatch('host?', 'host7'), true);
    assert.equal(patternsMatch('*.exec.example,!bad.exec.example', 'bad.exec.example'), false);
    assert.equal(patternsMatch('a.b', 'aXb'), false);
  });

  test('@revoked refuses the key even when another line pins it; @cert-authority pins nothing', () => {
    const lines = parseKnownHosts(`h ${a.line}\n@revoked * ${a.line}\n@cert-authority h ${b.line}\n`);
    assert.equal((verifyHostKey(lines, 'h', 22, a.blob) as { reason: string }).reason, 'revoked');
    assert.equal((verifyHostKey(lines, 'h', 22, b.blob) as { reason: string }).reason, 'changed');
  });

  test('a corrupt line (type does not match its blob) pins nothing', () => {
    const lines = parseKnownHosts(`h ssh-rsa ${a.line.split(' ')[1]}\n`);
    assert.equal(lines.length, 0);
  });

  test('host key algorithms offered follow the pinned key types', () => {
    const lines = parseKnownHosts(`h ${a.line}\nh ${rsa.line}\nother ${b.line}\n`);
    assert.deepEqual(hostKeyAlgorithms(pinnedKeys(lines, 'h', 22)), [
      'ssh-ed25519',
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
  });
});
