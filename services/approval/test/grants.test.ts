// The grants Evaluate hands out, verified the way the executor (issue #7) will: keys from
// ListGrantKeys or config, nonces consumed once from the shared TTL store, binding checked.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { commonv1 } from '@hermes/proto';
import { encodeGrantPublicKey, GrantVerifier, generateGrantKeyPair, grantNonceKey, shellArgv } from '@hermes/security';
import { fresh, type Infra, type Replica, startInfra, startReplica } from './approval-fixture.ts';

const { Decision, Backend } = commonv1;

let infra: Infra;
const replicas: Replica[] = [];
before(async () => {
  infra = await startInfra();
});
after(async () => {
  await Promise.allSettled(replicas.map((r) => r.stop()));
  await infra.close();
});

describe('execution grants from the service', () => {
  test('ListGrantKeys publishes the ephemeral key; an executor-side verifier built from it accepts once', async () => {
    const { prefix, session } = fresh('keys');
    const r = await startReplica(infra, { prefix });
    replicas.push(r);
    const { keys } = await r.client.listGrantKeys({});
    assert.equal(keys.length, 1);
    assert.equal(keys[0]?.active, true);
    assert.match(keys[0]?.keyId ?? '', /^ephemeral-/);
    const verifier = new GrantVerifier({
      keys: Object.fromEntries(keys.map((k) => [k.keyId, k.publicKey])),
      take: async (n) => (await r.store.take(grantNonceKey(n))) !== undefined,
      now: r.clock,
    });
    const v = await r.client.evaluate({
      sessionId: session,
      command: 'make test',
      cwd: '/srv/app',
      backend: Backend.SSH,
    });
    assert.equal(v.decision, Decision.ALLOW);
    const expected = { sessionId: session, argv: shellArgv('make test'), cwd: '/srv/app', backend: 'ssh' as const };
    await assert.rejects(verifier.verify(v.grant, { ...expected, argv: shellArgv('make test; rm -rf ~') }), /argv/);
    await assert.rejects(verifier.verify(v.grant, { ...expected, backend: 'local' }), /backend/);
    await verifier.verify(v.grant, expected);
    await assert.rejects(verifier.verify(v.grant, expected), /replayed|already used/);
    // Expired: grants live approvals.grants.ttl_seconds (default 30 s).
    const v2 = await r.client.evaluate({
      sessionId: session,
      command: 'make test',
      cwd: '/srv/app',
      backend: Backend.SSH,
    });
    r.clock.advance(30_000);
    await assert.rejects(verifier.verify(v2.grant, expected), /expired/);
  });

  test('a configured key signs (rotation: old public keys stay listed); a mismatched pair is refused at start', async () => {
    const active = generateGrantKeyPair();
    const old = generateGrantKeyPair();
    const pem = active.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().replace(/\n/g, '\n      ');
    const yaml = [
      'approvals:',
      '  grants:',
      '    key_id: k2',
      '    ttl_seconds: 10',
      '    signing_key: |',
      `      ${pem.trimEnd()}`,
      '    public_keys:',
      `      k1: ${encodeGrantPublicKey(old.publicKey)}`,
      '',
    ].join('\n');
    const { prefix, session } = fresh('cfgkey');
    const r = await startReplica(infra, { prefix, yaml });
    replicas.push(r);
    const { keys } = await r.client.listGrantKeys({});
    assert.deepEqual(
      keys.map((k) => [k.keyId, k.active]),
      [
        ['k2', true],
        ['k1', false],
      ],
    );
    assert.equal(keys[0]?.publicKey, encodeGrantPublicKey(active.publicKey));
    const v = await r.client.evaluate({ sessionId: session, command: 'ls', cwd: '/' });
    const exp = Number(v.grantExpiresAt?.seconds) * 1000 + Math.floor((v.grantExpiresAt?.nanos ?? 0) / 1e6);
    assert.equal(exp - r.clock(), 10_000);
    const verifier = new GrantVerifier({
      keys: { k2: active.publicKey },
      take: async (n) => (await r.store.take(grantNonceKey(n))) !== undefined,
      now: r.clock,
    });
    assert.equal(
      (await verifier.verify(v.grant, { sessionId: session, argv: shellArgv('ls'), cwd: '/', backend: 'local' })).kid,
      'k2',
    );

    // k2's published public key is not the signing key's: refused, not silently mismatched.
    const bad = yaml.replace('k1:', 'k2:');
    await assert.rejects(startReplica(infra, { prefix: `${prefix}-bad`, yaml: bad }), /does not match the signing key/);
  });

  test('denials and asks carry no grant', async () => {
    const { prefix, session } = fresh('nogrant');
    const r = await startReplica(infra, { prefix });
    replicas.push(r);
    for (const command of ['rm -rf /', 'rm -rf build']) {
      const v = await r.client.evaluate({ sessionId: session, command });
      assert.notEqual(v.decision, Decision.ALLOW);
      assert.equal(v.grant.length, 0);
    }
  });
});
