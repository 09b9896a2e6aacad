// Embedded mode (`hermes up` without DATABASE_URL/REDIS_URL/NATS_URL): PGlite in the data dir, the
// in-memory TTL store and the in-process bus. Issue #5 item 3: the data directory and its files are
// created 0700/0600, and approved users survive a restart.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { createLogger } from '@hermes/observability';
import { startPlatform } from '@hermes/platform';
import { authzv1 } from '@hermes/proto';
import { createClient, GrpcTransport } from '@hermes/rpc';
import { createAuthzService } from '../src/index.ts';
import { P, TestClock } from './authz-harness.ts';

async function modes(dir: string): Promise<{ path: string; mode: number; dir: boolean }[]> {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    const s = await stat(path);
    out.push({ path, mode: s.mode & 0o777, dir: e.isDirectory() });
    if (e.isDirectory()) out.push(...(await modes(path)));
  }
  return out;
}

test('embedded: private data dir, in-memory limits on the injected clock, approvals survive a restart', async () => {
  const home = await mkdtemp(join(tmpdir(), 'hermes-authz-embedded-'));
  const dataDir = join(home, 'data', 'pglite');
  const clock = new TestClock();
  const config = loadConfig({ HERMES_AUTHZ_GRPC_PORT: '0', TELEGRAM_ALLOWED_USERS: '1' }, { home });
  const logger = createLogger({ service: 'authz-test', level: 'silent' });
  const start = () =>
    startPlatform({ config, modules: [createAuthzService()], logger, dataDir, clock: clock.read, metrics: false });
  try {
    let platform = await start();
    assert.equal(platform.bus, 'in-process');
    let transport = new GrpcTransport(platform.services[0]!.grpc.address);
    let client = createClient(authzv1.AuthzService, transport);
    const code = (await client.requestCode({ platform: P.telegram, userId: 'emb1', displayName: 'Emb' })).code;
    assert.equal(
      (await client.requestCode({ platform: P.telegram, userId: 'emb1' })).outcome,
      authzv1.RequestCodeOutcome.RATE_LIMITED,
    );
    clock.advance(10 * 60_000 + 1);
    const code2 = (await client.requestCode({ platform: P.telegram, userId: 'emb1' })).code;
    assert.notEqual(code2, code);
    assert.equal((await client.approve({ platform: P.telegram, code: code2 })).approved, true);
    await transport.close();
    await platform.stop(100);

    const entries = await modes(home);
    assert.ok(entries.length > 3, 'PGlite wrote its files');
    assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
    for (const e of entries.filter((x) => x.path.startsWith(dataDir))) {
      assert.equal(e.mode, e.dir ? 0o700 : 0o600, `${e.path} is ${e.mode.toString(8)}`);
    }

    platform = await start();
    transport = new GrpcTransport(platform.services[0]!.grpc.address);
    client = createClient(authzv1.AuthzService, transport);
    const r = await client.check({ platform: P.telegram, userId: 'emb1', chatType: authzv1.ChatType.DM });
    assert.deepEqual([r.allowed, r.rule], [true, authzv1.Rule.PAIRING_APPROVED]);
    await transport.close();
    await platform.stop(100);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
