// The priority chain end to end (config from the issue's env vars, pairing state in real Postgres),
// bad input, and the audit events of every decision.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { auditSubject } from '@hermes/platform';
import { auditv1, authzv1, type commonv1 } from '@hermes/proto';
import postgres from 'postgres';
import { type AuthzCluster, P, startCluster } from './authz-harness.ts';

const R = authzv1.Rule;
const DM = authzv1.ChatType.DM;

describe('Check: the seed chain with every link configured', () => {
  let cluster: AuthzCluster;
  before(async () => {
    cluster = await startCluster({
      env: {
        DISCORD_ALLOW_ALL_USERS: 'true',
        TELEGRAM_ALLOWED_USERS: ' 111 , 222 ',
        SLACK_ALLOWED_USERS: 'U01ABC123',
        WHATSAPP_ALLOWED_USERS: '15551234567',
        SIGNAL_ALLOWED_USERS: '+15550000001',
        GATEWAY_ALLOWED_USERS: '333,U02GLOBAL',
      },
    });
  });
  after(() => cluster?.close());

  const check = (platform: number, userId: string) => cluster.client.check({ platform, userId, chatType: DM });

  test('per-platform allow-all decides first', async () => {
    const r = await check(P.discord, '999999');
    assert.deepEqual([r.allowed, r.rule], [true, R.PLATFORM_ALLOW_ALL]);
  });

  test('pairing approved, before the platform allowlist', async () => {
    const code = (await cluster.client.requestCode({ platform: P.telegram, userId: '111' })).code;
    assert.equal((await cluster.client.approve({ platform: P.telegram, code })).approved, true);
    const r = await check(P.telegram, '111');
    assert.deepEqual([r.allowed, r.rule], [true, R.PAIRING_APPROVED]);
    await cluster.client.revoke({ platform: P.telegram, userId: '111' });
    const after = await check(P.telegram, '111');
    assert.deepEqual([after.allowed, after.rule], [true, R.PLATFORM_ALLOWLIST]);
  });

  test('platform allowlists (values trimmed), including the WhatsApp JID alias', async () => {
    for (const [platform, user] of [
      [P.telegram, '222'],
      [P.slack, 'U01ABC123'],
      [P.whatsapp, '15551234567@s.whatsapp.net'],
      [P.signal, '+15550000001'],
    ] as const) {
      const r = await check(platform, user);
      assert.deepEqual([r.allowed, r.rule], [true, R.PLATFORM_ALLOWLIST], `${platform}/${user}`);
    }
  });

  test('global allowlist', async () => {
    const r = await check(P.signal, '333');
    assert.deepEqual([r.allowed, r.rule], [true, R.GLOBAL_ALLOWLIST]);
    assert.equal((await check(P.api, 'U02GLOBAL')).rule, R.GLOBAL_ALLOWLIST);
  });

  test('default deny (no global allow-all here)', async () => {
    for (const [platform, user] of [
      [P.telegram, '444'],
      [P.slack, 'u01abc123'],
      [P.whatsapp, '15551234568@s.whatsapp.net'],
      [P.cli, 'root'],
    ] as const) {
      const r = await check(platform, user);
      assert.deepEqual([r.allowed, r.rule], [false, R.DEFAULT_DENY], `${platform}/${user}`);
    }
  });

  test('every decision is an audit event on NATS (hermes.v1.audit.events.authz)', async () => {
    const seen: auditv1.AuditEvent[] = [];
    const sub = cluster.bus.nc.subscribe(auditSubject('authz'), {
      callback: (_e, m) => {
        seen.push(fromBinary(auditv1.AuditEventSchema, m.data));
      },
    });
    await cluster.bus.nc.flush();
    await check(P.telegram, 'audit-777');
    await check(P.discord, 'audit-778');
    const deadline = Date.now() + 2000;
    const mine = () => seen.filter((e) => e.kind === 'authz.check' && String(e.actor).includes('audit-77'));
    while (mine().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    sub.unsubscribe();
    const events = mine();
    assert.equal(events.length, 2);
    const denied = events.find((e) => e.actor === 'telegram:audit-777');
    assert.equal(denied?.outcome, 'denied');
    assert.equal(denied?.attributes?.rule, 'DEFAULT_DENY');
    assert.equal(events.find((e) => e.actor === 'discord:audit-778')?.outcome, 'allowed');
  });
});

describe('Check: global allow-all is the last allowing link', () => {
  let cluster: AuthzCluster;
  before(async () => {
    cluster = await startCluster({ env: { GATEWAY_ALLOW_ALL_USERS: 'true', SLACK_ALLOWED_USERS: 'U1' } });
  });
  after(() => cluster?.close());

  test('allowlisted users keep their rule, everyone else gets GLOBAL_ALLOW_ALL', async () => {
    assert.equal(
      (await cluster.client.check({ platform: P.slack, userId: 'U1', chatType: DM })).rule,
      R.PLATFORM_ALLOWLIST,
    );
    const r = await cluster.client.check({ platform: P.telegram, userId: '5', chatType: DM });
    assert.deepEqual([r.allowed, r.rule], [true, R.GLOBAL_ALLOW_ALL]);
  });
});

describe('bad input: INVALID_ARGUMENT, nothing stored, nothing crashes', () => {
  let cluster: AuthzCluster;
  let sql: postgres.Sql;
  before(async () => {
    cluster = await startCluster();
    sql = postgres(cluster.db.url, { max: 1, onnotice: () => {} });
  });
  after(async () => {
    await sql?.end();
    await cluster?.close();
  });

  const badUserIds = [
    '',
    'x'.repeat(10_240),
    'a\u0000b',
    'line\nbreak',
    "1' OR '1'='1",
    "x';DROP TABLE authz.approved_users;--",
    'a b',
    'zero\u200bwidth',
  ];

  test('unknown or unspecified platform', async () => {
    for (const platform of [0, 99, -5]) {
      await assert.rejects(cluster.client.check({ platform, userId: 'u', chatType: DM }), { code: 3 });
      await assert.rejects(cluster.client.requestCode({ platform, userId: 'u' }), { code: 3 });
      await assert.rejects(cluster.client.approve({ platform, code: 'ABCDEFGH' }), { code: 3 });
      await assert.rejects(cluster.client.revoke({ platform, userId: 'u' }), { code: 3 });
    }
    await assert.rejects(cluster.client.list({ platform: 42 as commonv1.Platform }), { code: 3 });
    await assert.rejects(cluster.client.clearPending({ platform: 42 as commonv1.Platform }), { code: 3 });
    // Pairing is for chat platforms; the API and CLI are checked but never paired.
    await assert.rejects(cluster.client.requestCode({ platform: P.api, userId: 'u' }), { code: 3 });
  });

  test('bad user ids on every RPC that takes one', async () => {
    for (const userId of badUserIds) {
      await assert.rejects(cluster.client.check({ platform: P.telegram, userId, chatType: DM }), { code: 3 });
      await assert.rejects(cluster.client.requestCode({ platform: P.telegram, userId }), { code: 3 });
      await assert.rejects(cluster.client.revoke({ platform: P.telegram, userId }), { code: 3 });
    }
  });

  test('bad display names, chat types and codes', async () => {
    await assert.rejects(cluster.client.requestCode({ platform: P.telegram, userId: 'u', displayName: 'a\u0007' }), {
      code: 3,
    });
    await assert.rejects(
      cluster.client.requestCode({ platform: P.telegram, userId: 'u', displayName: 'n'.repeat(10_240) }),
      { code: 3 },
    );
    await assert.rejects(
      cluster.client.check({ platform: P.telegram, userId: 'u', chatType: 77 as authzv1.ChatType }),
      { code: 3 },
    );
    for (const code of ['SHORT', 'TOOLONGCODE1', 'ABCDEFG0', 'ABCDEFGI', 'ÅBCDEFGH', 'x'.repeat(10_240)]) {
      await assert.rejects(cluster.client.approve({ platform: P.telegram, code }), (err: Error) => {
        assert.equal((err as { code?: number }).code, 3);
        assert.ok(!err.message.includes(code), 'the error never echoes the code');
        return true;
      });
    }
  });

  test('nothing was stored and the service still answers', async () => {
    const [pending] = await sql`select count(*)::int as n from authz.pending_requests`;
    const [approved] = await sql`select count(*)::int as n from authz.approved_users`;
    assert.deepEqual([pending?.n, approved?.n], [0, 0]);
    assert.equal(await cluster.redis.get(`${cluster.keyPrefix}failures:telegram`), undefined);
    const ok = await cluster.client.requestCode({ platform: P.telegram, userId: 'fine' });
    assert.equal(ok.outcome, authzv1.RequestCodeOutcome.ISSUED);
  });
});

describe('Check never fails open when Postgres cannot answer', () => {
  let cluster: AuthzCluster;
  let sql: postgres.Sql;
  before(async () => {
    cluster = await startCluster({ env: { TELEGRAM_ALLOWED_USERS: 'listed1' }, service: { cacheTtlMs: 0 } });
    sql = postgres(cluster.db.url, { max: 1, onnotice: () => {} });
  });
  after(async () => {
    await sql?.end();
    await cluster?.close();
  });

  test('pairing-only users are denied, allowlisted users still decided by their rule', async () => {
    const code = (await cluster.client.requestCode({ platform: P.telegram, userId: 'paired1' })).code;
    assert.equal((await cluster.client.approve({ platform: P.telegram, code })).approved, true);
    assert.equal((await cluster.client.check({ platform: P.telegram, userId: 'paired1', chatType: DM })).allowed, true);
    await sql`alter table authz.approved_users rename to approved_users_away`;
    try {
      const paired = await cluster.client.check({ platform: P.telegram, userId: 'paired1', chatType: DM });
      assert.deepEqual([paired.allowed, paired.rule], [false, R.DEFAULT_DENY]);
      const listed = await cluster.client.check({ platform: P.telegram, userId: 'listed1', chatType: DM });
      assert.deepEqual([listed.allowed, listed.rule], [true, R.PLATFORM_ALLOWLIST]);
    } finally {
      await sql`alter table authz.approved_users_away rename to approved_users`;
    }
    assert.equal((await cluster.client.check({ platform: P.telegram, userId: 'paired1', chatType: DM })).allowed, true);
  });

  test('pairing RPCs answer UNAVAILABLE (generic message) and issue nothing while the state is away', async () => {
    await sql`alter table authz.pending_requests rename to pending_requests_away`;
    try {
      for (const call of [
        () => cluster.client.requestCode({ platform: P.telegram, userId: 'late1' }),
        () => cluster.client.approve({ platform: P.telegram, code: 'ABCDEFGH' }),
        () => cluster.client.list({}),
      ]) {
        await assert.rejects(call(), (err: Error) => {
          assert.equal((err as { code?: number }).code, 14);
          assert.equal(err.message, 'pairing state is unavailable; try again');
          return true;
        });
      }
    } finally {
      await sql`alter table authz.pending_requests_away rename to pending_requests`;
    }
    // The refused request left no rate limit behind.
    const r = await cluster.client.requestCode({ platform: P.telegram, userId: 'late1' });
    assert.equal(r.outcome, authzv1.RequestCodeOutcome.ISSUED);
  });
});
