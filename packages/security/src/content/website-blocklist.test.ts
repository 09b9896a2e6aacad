import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWebsite, createWebsiteBlocklist, globMatch } from './website-blocklist.ts';

test('exact host, subdomains, wildcard depth, apex exclusion', () => {
  const bl = createWebsiteBlocklist({ domains: ['example.com', '*.tracking.example'] });
  assert.ok(checkWebsite('https://example.com', bl));
  assert.ok(checkWebsite('https://a.b.example.com/x', bl));
  assert.equal(checkWebsite('https://example.com.evil.net/', bl), null);
  assert.ok(checkWebsite('https://a.b.tracking.example/', bl));
  assert.equal(checkWebsite('https://tracking.example/', bl), null);
});

test('rules and hosts are normalised: case, trailing dot, www., scheme, path, port, userinfo', () => {
  const bl = createWebsiteBlocklist({ domains: ['https://WWW.Evil.test/path', 'x.test.'] });
  assert.ok(checkWebsite('https://user:pw@EVIL.test.:8443/', bl));
  assert.ok(checkWebsite('http://x.test./', bl));
  assert.equal(createWebsiteBlocklist({ domains: ['# comment', '', '   '] }).rules.length, 0);
  // A schemeless `user@host` rule is read as an authority: the host is the rule.
  assert.deepEqual(
    createWebsiteBlocklist({ domains: ['ops@b.test:22'] }).rules.map((r) => r.pattern),
    ['b.test'],
  );
});

test('block message format names host, normalised rule and source', () => {
  const bl = createWebsiteBlocklist({
    sharedFiles: [{ path: '/etc/hermes/block.txt', content: '\uFEFF# team\nShared.example\n' }],
  });
  const hit = checkWebsite('https://api.shared.example/v1', bl);
  assert.equal(
    hit?.message,
    "Blocked by website policy: 'api.shared.example' matched rule 'shared.example' from /etc/hermes/block.txt",
  );
  assert.equal(createWebsiteBlocklist({ enabled: false, domains: ['shared.example'] }).enabled, false);
  assert.equal(
    checkWebsite('https://shared.example/', createWebsiteBlocklist({ enabled: false, domains: ['shared.example'] })),
    null,
  );
  assert.equal(checkWebsite('http://', bl), null);
});

test('glob matching is linear enough on hostile patterns', () => {
  const t0 = performance.now();
  assert.equal(globMatch(`${'*a'.repeat(50)}b`, 'a'.repeat(5000)), false);
  assert.ok(performance.now() - t0 < 500);
});
