import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUrlPolicy, evaluateResolved, evaluateUrl, rawAuthorityHost } from './url-policy.ts';

const kind = (url: string, policy = createUrlPolicy()) => evaluateUrl(url, policy).kind;

test('only http and https with a host', () => {
  for (const u of [
    'ftp://example.com/f',
    'file:///etc/passwd',
    'gopher://x/',
    'example.com/path',
    'http://',
    'javascript:alert(1)',
  ]) {
    assert.equal(kind(u), 'deny', u);
  }
  assert.equal(kind('HTTPS://example.com/path'), 'resolve');
});

test('blocked literal addresses, v4 and v6, in every notation', () => {
  const blocked = [
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://0/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://169.254.169.254/',
    'http://169.254.170.2/',
    'http://100.100.100.200/',
    'http://224.0.0.1/',
    'http://240.0.0.1/',
    'http://255.255.255.255/',
    'http://198.18.0.23/',
    'http://192.0.2.1/',
    'http://[::1]/',
    'http://[::]/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://[fd00:ec2::254]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:0:a9fe:a9fe]/',
    'http://[::127.0.0.1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[2002:7f00:1::]/',
    'http://[2001:db8::1]/',
    'http://[ff02::1]/',
    'http://127.0.0.1#@example.com/',
    'http://example.com\\@127.0.0.1/',
  ];
  for (const u of blocked) assert.equal(kind(u), 'deny', u);
});

test('public literals are allowed, including the mapped/translated aliases of a public v4', () => {
  for (const u of [
    'http://93.184.216.34/',
    'http://172.32.0.1/',
    'http://100.0.0.1/',
    'http://100.128.0.1/',
    'http://[2606:4700::1111]/',
    'http://[2001:4860:4860::8888]/',
    'http://[::ffff:93.184.216.34]/',
    'http://[::ffff:0:5db8:d822]/',
  ]) {
    assert.equal(kind(u), 'allow', u);
  }
  // NAT64 / 6to4 / compatible forms are non-global (Python ipaddress, as Hermes): blocked even around a public v4.
  for (const u of ['http://[64:ff9b::5db8:d822]/', 'http://[2002:5db8:d822::1]/', 'http://[::93.184.216.34]/']) {
    assert.equal(kind(u), 'deny', u);
  }
});

test('metadata hostnames are blocked before DNS, even with allow_private_urls', () => {
  const open = createUrlPolicy({ allowPrivateUrls: true });
  for (const u of [
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA.GOOG./',
    'http://169.254.169.254/',
    'http://100.100.100.200/',
    'http://[fd00:ec2::254]/',
    'http://[::ffff:169.254.169.254]/',
  ]) {
    assert.equal(kind(u, open), 'deny', u);
  }
});

test('allow_private_urls relaxes private ranges only', () => {
  const open = createUrlPolicy({ allowPrivateUrls: true });
  assert.equal(kind('http://192.168.1.1/', open), 'allow');
  assert.equal(kind('http://127.0.0.1:8080/', open), 'allow');
  assert.equal(evaluateResolved('router.local', ['192.168.1.1'], open).kind, 'allow');
  assert.equal(evaluateResolved('router.local', ['192.168.1.1']).kind, 'deny');
  assert.equal(evaluateResolved('x.test', ['169.254.169.254'], open).kind, 'deny');
});

test('every DNS answer is checked; empty or unparseable answers fail closed', () => {
  assert.equal(evaluateResolved('example.com', ['93.184.216.34']).kind, 'allow');
  assert.equal(evaluateResolved('example.com', ['93.184.216.34', '10.0.0.1']).kind, 'deny');
  assert.equal(evaluateResolved('example.com', []).kind, 'deny');
  assert.equal(evaluateResolved('example.com', ['not-an-ip%garbage']).kind, 'deny');
  assert.equal(evaluateResolved('example.com', ['fe80::1%eth0']).kind, 'deny');
});

test('fake_ip_ranges admit hostname answers only, and never over private space', () => {
  const p = createUrlPolicy({ fakeIpRanges: ['198.18.0.0/15', '10.0.0.0/8'] });
  assert.deepEqual(p.droppedFakeIpRanges, ['10.0.0.0/8']);
  assert.equal(evaluateResolved('example.com', ['198.18.1.125'], p).kind, 'allow');
  assert.equal(evaluateResolved('example.com', ['10.0.0.5'], p).kind, 'deny');
  assert.equal(kind('http://198.18.1.125/', p), 'deny');
});

test('raw authority extraction follows a naive split so disagreements can be refused', () => {
  assert.equal(rawAuthorityHost('http://user:pw@Example.COM.:80/x'), 'example.com');
  assert.equal(rawAuthorityHost('http://a.com\\@127.0.0.1/'), '127.0.0.1');
  assert.equal(rawAuthorityHost('http://[::1]:8080/'), '[::1]');
});
