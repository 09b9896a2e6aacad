// Guarded fetch against REAL HTTP servers on 127.0.0.0/8. Hostnames are resolved by an injected
// resolver, so no query or connection ever leaves loopback. 127.0.0.2 plays the "public" server
// (declared as a trusted range); 127.0.0.1 plays the internal target that must never be reached.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createUrlPolicy, createWebsiteBlocklist } from '@hermes/security';
import { TooManyRedirectsError, UrlBlockedError, WebsiteBlockedError } from './errors.ts';
import { guardedFetch } from './guarded-fetch.ts';
import type { Resolver } from './resolver.ts';

interface Recorded {
  readonly server: Server;
  readonly hits: { url: string; host: string | undefined }[];
}

function listen(
  host: string,
  port: number,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Recorded> {
  const hits: Recorded['hits'] = [];
  const server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', host: req.headers.host });
    handler(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, hits }));
  });
}

let internal: Recorded; // 127.0.0.1: must never be hit
let publicSrv: Recorded; // 127.0.0.2: the allowed server
let port = 0;
const policy = createUrlPolicy({ trustedRanges: ['127.0.0.2/32'] });

before(async () => {
  internal = await listen('127.0.0.1', 0, (_req, res) => res.end('INTERNAL SECRET'));
  port = (internal.server.address() as AddressInfo).port;
  publicSrv = await listen('127.0.0.2', port, (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const to = u.searchParams.get('to');
    if (u.pathname === '/redirect' && to) {
      res.writeHead(302, { location: to });
      res.end();
    } else if (u.pathname === '/loop') {
      res.writeHead(301, { location: '/loop' });
      res.end();
    } else {
      res.end(`hello from ${req.headers.host}`);
    }
  });
});

after(async () => {
  await Promise.all([internal, publicSrv].map((r) => new Promise((res) => r?.server.close(res))));
});

const resolverOf = (table: Record<string, readonly string[][]>): Resolver & { calls: string[] } => {
  const calls: string[] = [];
  const fn = async (host: string) => {
    calls.push(host);
    const answers = table[host];
    if (!answers) throw new Error(`ENOTFOUND ${host}`);
    return answers[Math.min(calls.filter((h) => h === host).length - 1, answers.length - 1)]!;
  };
  return Object.assign(fn, { calls });
};

const reset = () => {
  internal.hits.length = 0;
  publicSrv.hits.length = 0;
};

test('an allowed host is fetched through its vetted address, Host header kept', async () => {
  reset();
  const res = await guardedFetch(`http://public.test:${port}/page`, {
    policy,
    resolver: resolverOf({ 'public.test': [['127.0.0.2']] }),
  });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), `hello from public.test:${port}`);
  assert.equal(internal.hits.length, 0);
});

test('a public-looking hostname whose lookup answers 127.0.0.1 is refused before connecting', async () => {
  reset();
  const resolver = resolverOf({ 'totally-public.example': [['127.0.0.1']] });
  await assert.rejects(guardedFetch(`http://totally-public.example:${port}/`, { policy, resolver }), UrlBlockedError);
  await assert.rejects(guardedFetch(`http://totally-public.example:${port}/`, { resolver }), /loopback/);
  assert.equal(internal.hits.length, 0);
});

test('one private answer among several blocks; DNS failure blocks', async () => {
  reset();
  const resolver = resolverOf({ 'mixed.test': [['127.0.0.2', '127.0.0.1']] });
  await assert.rejects(guardedFetch(`http://mixed.test:${port}/`, { policy, resolver }), UrlBlockedError);
  await assert.rejects(guardedFetch(`http://nxdomain.test:${port}/`, { policy, resolver }), /DNS lookup failed/);
  assert.equal(internal.hits.length + publicSrv.hits.length, 0);
});

test('DNS rebinding (first answer public, later answers private) cannot redirect the connection', async () => {
  reset();
  const resolver = resolverOf({ 'rebind.test': [['127.0.0.2'], ['127.0.0.1']] });
  const res = await guardedFetch(`http://rebind.test:${port}/x`, { policy, resolver });
  assert.equal(await res.text(), `hello from rebind.test:${port}`);
  assert.deepEqual(resolver.calls, ['rebind.test']); // resolved once; the socket used that answer
  assert.equal(internal.hits.length, 0);
  assert.equal(publicSrv.hits.length, 1);
  // The next request re-validates: the private answer is now refused.
  await assert.rejects(guardedFetch(`http://rebind.test:${port}/x`, { policy, resolver }), UrlBlockedError);
  assert.equal(internal.hits.length, 0);
});

test('redirects to loopback, file:// and metadata are refused at that hop', async () => {
  reset();
  const resolver = resolverOf({ 'public.test': [['127.0.0.2']], 'internal.test': [['127.0.0.1']] });
  const targets = [
    `http://127.0.0.1:${port}/admin`,
    `http://internal.test:${port}/admin`,
    `http://0x7f.1:${port}/admin`,
    'file:///etc/passwd',
    'http://169.254.169.254/latest/meta-data/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://[::ffff:127.0.0.1]/',
  ];
  for (const to of targets) {
    const url = `http://public.test:${port}/redirect?to=${encodeURIComponent(to)}`;
    await assert.rejects(
      guardedFetch(url, { policy, resolver }),
      (e: unknown) => e instanceof UrlBlockedError && e.hop === 1,
      to,
    );
  }
  assert.equal(internal.hits.length, 0);
  assert.equal(publicSrv.hits.length, targets.length);
});

test('allowed redirects are followed; the website blocklist applies to every hop and the final URL', async () => {
  reset();
  const resolver = resolverOf({ 'public.test': [['127.0.0.2']], 'blocked.test': [['127.0.0.2']] });
  const ok = await guardedFetch(`http://public.test:${port}/redirect?to=/final`, { policy, resolver });
  assert.equal(ok.status, 200);
  assert.equal(ok.url, `http://public.test:${port}/final`);
  await ok.text();
  const blocklist = createWebsiteBlocklist({ domains: ['blocked.test'] });
  const to = encodeURIComponent(`http://blocked.test:${port}/final`);
  await assert.rejects(
    guardedFetch(`http://public.test:${port}/redirect?to=${to}`, { policy, resolver, blocklist }),
    (e: unknown) =>
      e instanceof WebsiteBlockedError &&
      e.hop === 1 &&
      e.message === "Blocked by website policy: 'blocked.test' matched rule 'blocked.test' from config",
  );
  assert.equal(publicSrv.hits.filter((h) => h.host?.startsWith('blocked.test')).length, 0);
});

test('redirect loops stop at maxRedirects', async () => {
  reset();
  const resolver = resolverOf({ 'public.test': [['127.0.0.2']] });
  await assert.rejects(
    guardedFetch(`http://public.test:${port}/loop`, { policy, resolver, maxRedirects: 3 }),
    TooManyRedirectsError,
  );
  assert.equal(publicSrv.hits.length, 4);
});

test('without a trusted range, even the "public" loopback server is refused (default policy)', async () => {
  reset();
  await assert.rejects(guardedFetch(`http://127.0.0.2:${port}/`), UrlBlockedError);
  assert.equal(publicSrv.hits.length, 0);
});
