import assert from 'node:assert/strict';
import { test } from 'node:test';
import { methodOf, methodSubject, servicePrefix, serviceWildcard } from './subjects.ts';

test('subjects follow hermes.v1.<service>.<Method>', () => {
  assert.equal(methodSubject(servicePrefix('authz'), 'Check'), 'hermes.v1.authz.Check');
  assert.equal(methodSubject(servicePrefix('executor', 'docker'), 'Run'), 'hermes.v1.executor.docker.Run');
  assert.equal(serviceWildcard(servicePrefix('audit')), 'hermes.v1.audit.*');
});

test('methodOf extracts only direct children of the prefix', () => {
  assert.equal(methodOf('hermes.v1.authz', 'hermes.v1.authz.Check'), 'Check');
  assert.equal(methodOf('hermes.v1.authz', 'hermes.v1.authzz.Check'), undefined);
  assert.equal(methodOf('hermes.v1.authz', 'hermes.v1.authz.'), undefined);
  assert.equal(methodOf('hermes.v1.authz', 'hermes.v1.authz.a.b'), undefined);
  assert.equal(methodOf('hermes.v1.executor', 'hermes.v1.executor.docker.Run'), undefined);
});

test('names that would break the subject scheme are refused', () => {
  for (const bad of ['', 'a.b', 'a*', 'a>', 'a b', 'x'.repeat(65)]) {
    assert.throws(() => servicePrefix(bad), /invalid service name/);
  }
  assert.throws(() => methodSubject('hermes.v1.authz', 'Check.Evil'), /invalid method name/);
});
