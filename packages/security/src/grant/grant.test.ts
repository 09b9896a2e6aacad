import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  argvHash,
  canonicalArgv,
  encodeGrantPublicKey,
  GrantKeyError,
  GrantRejectedError,
  type GrantRejectReason,
  GrantSigner,
  GrantVerifier,
  generateGrantKeyPair,
  grantNonceKey,
  parseGrantPrivateKey,
  parseGrantPublicKey,
  shellArgv,
} from './index.ts';

/** The executor's side of single use: approval registers nonces, the executor takes them once. */
function nonceStore() {
  const live = new Set<string>();
  return {
    register: (nonce: string) => live.add(grantNonceKey(nonce)),
    take: async (nonce: string) => live.delete(grantNonceKey(nonce)),
  };
}

function setup(ttlMs = 30_000) {
  let now = 1_750_000_000_000;
  const clock = () => now;
  const { privateKey, publicKey } = generateGrantKeyPair();
  const signer = new GrantSigner({ keyId: 'k1', privateKey, ttlMs, now: clock });
  const nonces = nonceStore();
  const verifier = new GrantVerifier({ keys: { k1: encodeGrantPublicKey(publicKey) }, take: nonces.take, now: clock });
  const subject = {
    sessionId: 's-1',
    argv: shellArgv('rm -rf build'),
    cwd: '/work/app',
    backend: 'local' as const,
    approvalId: 'req-1',
  };
  const issue = () => {
    const g = signer.sign(subject);
    nonces.register(g.claims.nonce);
    return g;
  };
  const expected = { sessionId: 's-1', argv: shellArgv('rm -rf build'), cwd: '/work/app', backend: 'local' as const };
  return { signer, verifier, issue, expected, privateKey, advance: (ms: number) => (now += ms), nonces };
}

async function refused(p: Promise<unknown>, reason: GrantRejectReason, field?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof GrantRejectedError, String(e));
    assert.equal(e.reason, reason);
    if (field) assert.equal(e.field, field);
    return true;
  });
}

describe('execution grants', () => {
  test('a genuine grant verifies once and yields its claims', async () => {
    const s = setup();
    const g = s.issue();
    const claims = await s.verifier.verify(g.token, s.expected);
    assert.equal(claims.aid, 'req-1');
    assert.equal(claims.sid, 's-1');
    assert.equal(claims.exp - claims.iat, 30_000);
    // Bytes (the proto field) work the same as the string.
    const g2 = s.issue();
    await s.verifier.verify(new TextEncoder().encode(g2.token), s.expected);
  });

  test('a replayed grant is refused', async () => {
    const s = setup();
    const g = s.issue();
    await s.verifier.verify(g.token, s.expected);
    await refused(s.verifier.verify(g.token, s.expected), 'replayed');
  });

  test('concurrent use: exactly one of many verifications wins', async () => {
    const s = setup();
    const g = s.issue();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => s.verifier.verify(g.token, s.expected)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  test('an unregistered nonce (signed but never issued through the store) is refused', async () => {
    const s = setup();
    const g = s.signer.sign({ ...s.expected, approvalId: 'x' });
    await refused(s.verifier.verify(g.token, s.expected), 'replayed');
  });

  test('an expired grant is refused, and its nonce is not consumed by the attempt', async () => {
    const s = setup(10_000);
    const g = s.issue();
    s.advance(10_000);
    await refused(s.verifier.verify(g.token, s.expected), 'expired');
  });

  test('a grant from the future (beyond clock skew) is refused', async () => {
    const s = setup();
    const g = s.issue();
    s.advance(-6_000);
    await refused(s.verifier.verify(g.token, s.expected), 'not_yet_valid');
  });

  test('argv, session, cwd and backend mismatches are refused and do not burn the nonce', async () => {
    const s = setup();
    const g = s.issue();
    await refused(
      s.verifier.verify(g.token, { ...s.expected, argv: shellArgv('rm -rf /home') }),
      'binding_mismatch',
      'argv',
    );
    await refused(
      s.verifier.verify(g.token, { ...s.expected, argv: ['rm', '-rf', 'build'] }),
      'binding_mismatch',
      'argv',
    );
    await refused(s.verifier.verify(g.token, { ...s.expected, sessionId: 's-2' }), 'binding_mismatch', 'session');
    await refused(s.verifier.verify(g.token, { ...s.expected, cwd: '/' }), 'binding_mismatch', 'cwd');
    await refused(s.verifier.verify(g.token, { ...s.expected, backend: 'ssh' }), 'binding_mismatch', 'backend');
    await s.verifier.verify(g.token, s.expected);
  });

  test('a forged grant (altered claims, or signed by another key) is refused', async () => {
    const s = setup();
    const g = s.issue();
    const [prefix, payload, sig] = g.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...claims, cwd: '/' })).toString('base64url');
    await refused(s.verifier.verify(`${prefix}.${altered}.${sig}`, { ...s.expected, cwd: '/' }), 'bad_signature');

    // Attacker's own key, claiming our key id.
    const evil = generateKeyPairSync('ed25519');
    const forger = new GrantSigner({ keyId: 'k1', privateKey: evil.privateKey });
    const forged = forger.sign({ ...s.expected, approvalId: 'x' });
    s.nonces.register(forged.claims.nonce);
    await refused(s.verifier.verify(forged.token, s.expected), 'bad_signature');

    // Unknown key id.
    const other = new GrantSigner({ keyId: 'k9', privateKey: evil.privateKey });
    await refused(s.verifier.verify(other.sign({ ...s.expected, approvalId: 'x' }).token, s.expected), 'unknown_key');
  });

  test('a validly signed token with a lifetime over 60 s is refused', async () => {
    const s = setup();
    const g = s.issue();
    const payload = g.token.split('.')[1] as string;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const long = `hg1.${Buffer.from(JSON.stringify({ ...claims, exp: claims.iat + 61_000 })).toString('base64url')}`;
    const sig = sign(null, Buffer.from(long), s.privateKey).toString('base64url');
    await refused(s.verifier.verify(`${long}.${sig}`, s.expected), 'lifetime_too_long');
  });

  test('garbage is malformed, never a crash', async () => {
    const s = setup();
    for (const t of [
      '',
      'hg1',
      'hg1..',
      'jwt.a.b',
      'hg1.!!.x',
      `hg1.${Buffer.from('[]').toString('base64url')}.AA`,
      'x'.repeat(5000),
    ]) {
      await refused(s.verifier.verify(t, s.expected), 'malformed');
    }
  });

  test('a failing nonce store refuses (fail closed)', async () => {
    const s = setup();
    const g = s.issue();
    const claims = await s.verifier.verify(s.issue().token, s.expected);
    const v = new GrantVerifier({
      keys: { k1: createPublicKey(s.privateKey) },
      take: async () => {
        throw new Error('redis down');
      },
      now: () => claims.iat,
    });
    await refused(v.verify(g.token, s.expected), 'replayed');
  });

  test('key rotation: a verifier holding both keys accepts grants of either', async () => {
    const a = generateGrantKeyPair();
    const b = generateGrantKeyPair();
    const nonces = nonceStore();
    const v = new GrantVerifier({ keys: { old: a.publicKey }, take: nonces.take });
    v.addKey('new', encodeGrantPublicKey(b.publicKey));
    const subject = { sessionId: 's', argv: ['true'], cwd: '/', backend: 'docker' as const, approvalId: 'a' };
    for (const [kid, key] of [
      ['old', a.privateKey],
      ['new', b.privateKey],
    ] as const) {
      const g = new GrantSigner({ keyId: kid, privateKey: key }).sign(subject);
      nonces.register(g.claims.nonce);
      assert.equal((await v.verify(g.token, { ...subject })).kid, kid);
    }
  });

  test('keys parse from PEM and base64 DER; non-Ed25519 keys and long lifetimes are refused', () => {
    const { privateKey, publicKey } = generateGrantKeyPair();
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    assert.equal(parseGrantPrivateKey(pem).asymmetricKeyType, 'ed25519');
    assert.equal(parseGrantPrivateKey(der).asymmetricKeyType, 'ed25519');
    assert.equal(parseGrantPublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString()).type, 'public');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    assert.throws(
      () => parseGrantPrivateKey(rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
      GrantKeyError,
    );
    assert.throws(() => parseGrantPrivateKey('not a key'), GrantKeyError);
    assert.throws(() => new GrantSigner({ keyId: 'k', privateKey, ttlMs: 61_000 }), GrantKeyError);
    assert.throws(() => new GrantSigner({ keyId: 'bad id', privateKey }), GrantKeyError);
  });

  test('canonical argv is unambiguous', () => {
    assert.notEqual(argvHash(['a b']), argvHash(['a', 'b']));
    assert.notEqual(argvHash(['a,', 'b']), argvHash(['a', ',b']));
    assert.notEqual(argvHash([]), argvHash(['']));
    assert.deepEqual(canonicalArgv(['ab', 'é']).toString(), '2;2:ab,2:é,');
    assert.equal(argvHash(shellArgv('ls')), argvHash(['bash', '-c', 'ls']));
  });
});
