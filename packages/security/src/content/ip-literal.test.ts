import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIp, parseIpLiteral, parseIpv4, parseIpv6 } from './ip-literal.ts';

test('IPv4 literals in every inet_aton notation normalise to the same address', () => {
  const loopback = 0x7f000001;
  for (const s of [
    '127.0.0.1',
    '2130706433',
    '0177.0.0.1',
    '0x7f.1',
    '127.1',
    '0x7f000001',
    '0177.0.1',
    '127.0.0.1.',
  ]) {
    assert.equal(parseIpv4(s), loopback, s);
  }
  assert.equal(parseIpv4('0'), 0);
  assert.equal(parseIpv4('169.254.43518'), 0xa9fea9fe);
});

test('non-addresses and out-of-range parts are not IPv4', () => {
  for (const s of ['example.com', '1.2.3.4.5', '256.1.1.1', '08.1.1.1', '1.2.3.999', '', '0x', 'a.b']) {
    assert.equal(parseIpv4(s), s === '0x' ? 0 : null, s);
  }
});

test('IPv6 parsing: compression, embedded dotted quad, brackets, zone ids', () => {
  assert.deepEqual(parseIpv6('::1'), [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(parseIpv6('[0:0:0:0:0:0:0:1]'), [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(parseIpv6('::ffff:169.254.169.254'), [0, 0, 0, 0, 0, 0xffff, 0xa9fe, 0xa9fe]);
  assert.deepEqual(parseIpv6('fe80::1%eth0'), [0xfe80, 0, 0, 0, 0, 0, 0, 1]);
  for (const bad of ['1::2::3', '12345::', ':::', 'not-an-ip%garbage', '1:2:3:4:5:6:7:8:9'])
    assert.equal(parseIpv6(bad), null, bad);
  assert.equal(formatIp(parseIpLiteral('[::ffff:7f00:1]')!), '0:0:0:0:0:ffff:7f00:1');
});
