import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { YAML } from './yaml-loader.ts';

interface ComposeService {
  image?: string;
  build?: unknown;
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  command?: string[];
  environment?: Record<string, string>;
  networks?: string[] | Record<string, unknown>;
  ports?: unknown[];
  container_name?: string;
}
interface Compose {
  services: Record<string, ComposeService>;
  networks?: Record<string, unknown>;
}

const HERMES = ['gateway', 'authz', 'agent', 'scanner', 'approval', 'executor', 'audit'] as const;
const root = new URL('../../', import.meta.url);
// Compose resolves `<<: *anchor` merge keys (YAML 1.1), so parse with merge on.
const compose = YAML.parse(readFileSync(new URL('compose.yaml', root), 'utf8'), { merge: true }) as Compose;

const networksOf = (s: ComposeService | undefined): string[] =>
  s?.networks === undefined ? ['default'] : Array.isArray(s.networks) ? s.networks : Object.keys(s.networks);

/** Pinned = an explicit version tag (digits) or a digest; never `latest` or a bare name. */
const isPinned = (image: string): boolean => /@sha256:[0-9a-f]{64}$/.test(image) || /:(v?\d+\.\d+[\w.-]*)$/.test(image);

describe('compose.yaml', () => {
  test('has NATS (JetStream on), Postgres, Redis and all seven services', () => {
    for (const name of ['nats', 'postgres', 'redis', ...HERMES]) assert.ok(compose.services[name], `missing ${name}`);
    assert.ok(compose.services.nats?.command?.includes('-js'), 'nats must run with -js');
  });

  test('every image is pinned', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      assert.ok(s.image, `${name} has no image`);
      assert.ok(isPinned(s.image), `${name}: image ${s.image} is not pinned`);
    }
    assert.equal(isPinned('nats:latest'), false);
    assert.equal(isPinned('redis'), false);
  });

  test('each Hermes service runs `serve <name>` from the one image, non-root, hardened', () => {
    const images = new Set(HERMES.map((n) => compose.services[n]?.image));
    assert.equal(images.size, 1, 'one image for all services');
    for (const name of HERMES) {
      const s = compose.services[name]!;
      assert.deepEqual(s.command, ['serve', name]);
      assert.ok(s.user, `${name}: no user`);
      const [uid] = s.user!.split(':');
      assert.ok(
        uid !== undefined && /^\d+$/.test(uid) && Number(uid) !== 0,
        `${name}: user ${s.user} is root or not numeric`,
      );
      assert.equal(s.read_only, true, `${name}: root fs not read-only`);
      assert.deepEqual(s.cap_drop, ['ALL'], `${name}: capabilities not dropped`);
      assert.ok(
        s.security_opt?.some((o) => o.startsWith('no-new-privileges')),
        `${name}: no-new-privileges`,
      );
      assert.equal(s.environment?.NATS_URL, 'nats://nats:4222', `${name}: NATS_URL`);
    }
    for (const name of ['authz', 'agent', 'scanner', 'approval', 'audit']) {
      const env = compose.services[name]!.environment!;
      assert.match(env.DATABASE_URL ?? '', /^postgres:\/\/.*@postgres:5432\//, `${name}: DATABASE_URL`);
      assert.match(env.REDIS_URL ?? '', /^redis:\/\/redis:6379/, `${name}: REDIS_URL`);
    }
  });

  test('gateway and executor share no network; both reach NATS; stores are off both', () => {
    const gw = networksOf(compose.services.gateway);
    const ex = networksOf(compose.services.executor);
    const nats = networksOf(compose.services.nats);
    assert.deepEqual(
      gw.filter((n) => ex.includes(n)),
      [],
      'gateway and executor must not share a network',
    );
    assert.ok(
      gw.some((n) => nats.includes(n)),
      'gateway reaches NATS',
    );
    assert.ok(
      ex.some((n) => nats.includes(n)),
      'executor reaches NATS',
    );
    // The only thing reachable from both sides is NATS.
    for (const [name, s] of Object.entries(compose.services)) {
      if (name === 'nats') continue;
      const nets = networksOf(s);
      const bridges = nets.some((n) => gw.includes(n)) && nets.some((n) => ex.includes(n));
      assert.ok(!bridges || name === 'gateway' || name === 'executor', `${name} bridges gateway and executor`);
    }
    for (const store of ['postgres', 'redis']) {
      const nets = networksOf(compose.services[store]);
      assert.ok(!nets.some((n) => gw.includes(n) || ex.includes(n)), `${store} reachable from gateway or executor`);
    }
    for (const n of [...gw, ...ex]) assert.ok(compose.networks && n in compose.networks, `network ${n} declared`);
  });

  test('executor is scalable: no container_name, no fixed host port', () => {
    const ex = compose.services.executor!;
    assert.equal(ex.container_name, undefined);
    assert.equal(ex.ports, undefined);
  });

  test('only the gateway publishes ports to the host', () => {
    for (const name of HERMES.filter((n) => n !== 'gateway')) {
      assert.equal(compose.services[name]!.ports, undefined, `${name} publishes ports`);
    }
    // The Agent API (gRPC + HTTP/JSON on 8080) only; the operator plane on 7400 is never published.
    assert.deepEqual(compose.services.gateway!.ports, ['8080:8080']);
  });
});
