import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ContainerSettings, containerSpec, supportsDiskQuota } from './container-spec.ts';

const settings: ContainerSettings = {
  image: 'img:1',
  cpus: 1,
  memoryMb: 5120,
  diskMb: 51200,
  diskQuotaSupported: false,
  network: false,
  runtime: undefined,
  profile: 'p',
  workerId: 'w1',
  env: ['FOO=bar'],
};

test('the seed hardening, exactly, by default', () => {
  const spec = containerSpec(settings, { name: 'hermes-w1-x', hostDirs: undefined });
  const h = spec.HostConfig ?? {};
  assert.deepEqual(h.CapDrop, ['ALL']);
  assert.deepEqual([...(h.CapAdd ?? [])].sort(), ['CHOWN', 'DAC_OVERRIDE', 'FOWNER']);
  assert.deepEqual(h.SecurityOpt, ['no-new-privileges']);
  assert.equal(h.PidsLimit, 256);
  assert.equal(h.Tmpfs?.['/tmp'], 'rw,exec,nosuid,size=512m');
  assert.equal(h.Tmpfs?.['/var/tmp'], 'rw,noexec,nosuid,size=256m');
  assert.equal(h.Tmpfs?.['/run'], 'rw,noexec,nosuid,size=64m');
  assert.equal(h.NanoCpus, 1e9);
  assert.equal(h.Memory, 5120 * 1024 * 1024);
  assert.equal(h.MemorySwap, h.Memory);
  assert.equal(h.NetworkMode, 'none');
  assert.equal(spec.NetworkDisabled, true);
  assert.equal(h.Init, true);
  assert.equal(h.Privileged, undefined);
  assert.equal(h.Runtime, undefined);
  assert.equal(h.StorageOpt, undefined);
  assert.equal(h.Binds, undefined);
  // Ephemeral: workspace and home live on tmpfs.
  assert.ok(h.Tmpfs?.['/workspace']);
  assert.ok(h.Tmpfs?.['/root']);
  assert.deepEqual(spec.Labels, {
    'hermes-agent': '1',
    'hermes-profile': 'p',
    'hermes-worker': 'w1',
    'hermes-persistent': '0',
  });
  assert.deepEqual(spec.Env, ['FOO=bar']);
});

test('configured limits, gVisor, network, disk quota and persistent binds map to the engine', () => {
  const spec = containerSpec(
    { ...settings, cpus: 2.5, memoryMb: 1024, network: true, runtime: 'runsc', diskQuotaSupported: true, diskMb: 2048 },
    { name: 'n', hostDirs: { workspace: '/h/sandboxes/docker/t/workspace', home: '/h/sandboxes/docker/t/home' } },
  );
  const h = spec.HostConfig ?? {};
  assert.equal(h.NanoCpus, 2.5e9);
  assert.equal(h.Memory, 1024 * 1024 * 1024);
  assert.equal(h.NetworkMode, 'bridge');
  assert.equal(h.Runtime, 'runsc');
  assert.deepEqual(h.StorageOpt, { size: '2048m' });
  assert.deepEqual(h.Binds, ['/h/sandboxes/docker/t/workspace:/workspace:rw', '/h/sandboxes/docker/t/home:/root:rw']);
  assert.equal(h.Tmpfs?.['/workspace'], undefined);
  assert.equal(spec.Labels?.['hermes-persistent'], '1');
});

test('disk quota only on overlay2 over XFS', () => {
  assert.equal(supportsDiskQuota({ Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'xfs']] }), true);
  assert.equal(supportsDiskQuota({ Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'extfs']] }), false);
  assert.equal(supportsDiskQuota({ Driver: 'vfs' }), false);
});
