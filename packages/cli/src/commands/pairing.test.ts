// `hermes pairing` against a real authz service (embedded: PGlite in memory, in-process bus, gRPC).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { type RunningPlatform, type StartPlatformOptions, startPlatform } from '@hermes/platform';
import { authzv1 } from '@hermes/proto';
import { type Client, createClient, GrpcTransport, silentLogger } from '@hermes/rpc';
import { createAuthzService } from '@hermes/svc-authz';
import { runPairing } from './pairing.ts';

let home: string;
let platform: RunningPlatform;
let transport: GrpcTransport;
let authz: Client<typeof authzv1.AuthzService>;
let env: NodeJS.ProcessEnv;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'hermes-cli-pairing-'));
  const config = loadConfig({ HERMES_AUTHZ_GRPC_PORT: '0' }, { home });
  platform = await startPlatform({
    config,
    modules: [createAuthzService()],
    // The CLI package has no logger of its own; the service host only uses pino's RpcLogger subset.
    logger: silentLogger as unknown as StartPlatformOptions['logger'],
    metrics: false,
  });
  const address = platform.services[0]!.grpc.address;
  transport = new GrpcTransport(address);
  authz = createClient(authzv1.AuthzService, transport);
  env = { HERMES_HOME: home, HERMES_AUTHZ_GRPC_PORT: address.split(':').pop() };
});
after(async () => {
  await transport?.close();
  await platform?.stop(100);
  await rm(home, { recursive: true, force: true });
});

async function hermes(...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b) => {
    out += b;
  });
  stderr.on('data', (b) => {
    err += b;
  });
  const code = await runPairing(argv, { env, stdin: new PassThrough(), stdout, stderr });
  return { code, out, err };
}

async function requestCode(platformValue: number, userId: string, displayName = ''): Promise<string> {
  const r = await authz.requestCode({ platform: platformValue, userId, displayName });
  assert.equal(r.outcome, authzv1.RequestCodeOutcome.ISSUED);
  return r.code;
}

test('list shows pending requests without codes, --json too', async () => {
  const code = await requestCode(1, '111', 'Alice');
  const text = await hermes('list');
  assert.equal(text.code, 0);
  assert.match(text.out, /Pending requests \(1\)/);
  assert.match(text.out, /telegram\s+111\s+Alice/);
  assert.ok(!text.out.includes(code));
  const json = await hermes('list', '--json');
  const parsed = JSON.parse(json.out) as { pending: { user_id: string; request_id: string }[] };
  assert.equal(parsed.pending[0]?.user_id, '111');
  assert.match(parsed.pending[0]?.request_id ?? '', /^[0-9a-f]{16}$/);
  assert.ok(!json.out.includes(code));
  await hermes('clear-pending');
});

test('approve accepts any case and stray spaces/dashes, then list shows the user; revoke removes', async () => {
  const code = await requestCode(1, '222', 'Bob');
  const typed = [`${code.slice(0, 4).toLowerCase()}-`, code.slice(4).toLowerCase()];
  const ok = await hermes('approve', 'Telegram', ...typed);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /approved 222 \(Bob\) on telegram/);
  assert.match((await hermes('list', 'telegram')).out, /Approved users \(1\)\n\s+telegram\s+222\s+Bob/);
  const revoked = await hermes('revoke', 'telegram', '222');
  assert.equal(revoked.code, 0);
  const again = await hermes('revoke', 'telegram', '222');
  assert.equal(again.code, 1);
  assert.match(again.err, /not an approved user/);
});

test('a wrong code says so without saying why; malformed codes are refused with the rule', async () => {
  const code = await requestCode(2, '333');
  const otherPlatform = await hermes('approve', 'telegram', code);
  const unknown = await hermes('approve', 'discord', code === 'ZZZZZZZZ' ? 'YYYYYYYY' : 'ZZZZZZZZ');
  for (const r of [otherPlatform, unknown]) {
    assert.equal(r.code, 1);
    assert.match(r.err, /no pending request on \w+ matches that code/);
    assert.ok(!r.err.includes(code));
  }
  assert.equal(otherPlatform.err.replace('telegram', 'discord'), unknown.err);
  const malformed = await hermes('approve', 'discord', 'ABC');
  assert.equal(malformed.code, 1);
  assert.match(malformed.err, /must be 8 characters/);
  assert.ok(!malformed.err.includes('ABC'));
  // Approve by request id from the list.
  const id = (JSON.parse((await hermes('list', 'discord', '--json')).out) as { pending: { request_id: string }[] })
    .pending[0]?.request_id;
  const byId = await hermes('approve', 'discord', '--request', id ?? '');
  assert.equal(byId.code, 0, byId.err);
  assert.match(byId.out, /approved 333 on discord/);
});

test('clear-pending for one platform or all', async () => {
  await requestCode(3, 'U1');
  await requestCode(4, '15550001@s.whatsapp.net');
  assert.match((await hermes('clear-pending', 'slack')).out, /cleared 1 pending request\n/);
  assert.match((await hermes('clear-pending')).out, /cleared 1 pending request\n/);
  assert.match((await hermes('clear-pending')).out, /cleared 0 pending requests/);
});

test('usage errors exit 64; an unreachable service exits 1 with the target', async () => {
  for (const argv of [
    [],
    ['approve', 'myspace', 'ABCDEFGH'],
    ['revoke', 'telegram'],
    ['frobnicate'],
    ['list', '--nope'],
  ]) {
    assert.equal((await hermes(...argv)).code, 64, argv.join(' '));
  }
  const saved = env;
  env = { HERMES_HOME: home, HERMES_AUTHZ_GRPC_PORT: '1' };
  try {
    const r = await hermes('list', '--timeout', '500');
    assert.equal(r.code, 1);
    assert.match(r.err, /authz at 127\.0\.0\.1:1/);
  } finally {
    env = saved;
  }
});
