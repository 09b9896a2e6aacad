// Fleet (issue #7 item 7) over a real NATS server: heartbeats register workers with their
// capabilities and load, ListWorkers and `hermes workers` list them, draining and silent workers
// drop out, and — with a real worker process SIGKILLed mid-run — the caller gets UNAVAILABLE long
// before its deadline while the command ran exactly once.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { create } from '@bufbuild/protobuf';
import { commonv1, executorv1 } from '@hermes/proto';
import { type BusConnection, Code, connectBus, createClient, NatsTransport, RpcError, silentLogger } from '@hermes/rpc';
import { openRedisTtlStore, type RedisTtlStore } from '@hermes/storage';
import { type NatsHandle, type ServiceHandle, startNats, startRedis } from '@hermes/testing';
import { LocalBackend } from '../src/backends/local/local-backend.ts';
import { FLEET_HEARTBEAT_SUBJECT, InProcessFleetBus, natsFleetBus } from '../src/fleet/fleet-bus.ts';
import { encodeHeartbeat, FleetRegistry } from '../src/fleet/fleet-registry.ts';
import { HeartbeatPublisher } from '../src/fleet/heartbeat-publisher.ts';
import { watchRun } from '../src/fleet/run-watchdog.ts';
import { collect, Grants, makeWorker, rawRun, tempDir } from './worker-harness.ts';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../..');

function local(dir: string): LocalBackend {
  return new LocalBackend({
    sandboxDir: dir,
    messagingCwd: undefined,
    persistent: true,
    sandbox: 'none',
    network: false,
    hostEnv: { PATH: process.env.PATH },
    clock: Date.now,
  });
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

describe('executor fleet', () => {
  let nats: NatsHandle;
  let bus: BusConnection;
  before(async () => {
    nats = await startNats();
    bus = await connectBus({ url: nats.url, name: 'fleet-test', logger: silentLogger });
  });
  after(async () => {
    await bus?.close();
    await nats?.stop();
  });

  test('heartbeats register workers with backend, capacity and live load; a draining worker drops out at once', async () => {
    await using dir = await tempDir('fleet');
    const grants = new Grants();
    const fleet = natsFleetBus(bus.nc);
    const registry = new FleetRegistry({ bus: fleet, warmupMs: 0 });
    await registry.start();
    const w1 = makeWorker(local(join(dir.path, 'a')), grants, { workerId: 'wa', capacity: 3 });
    const w2 = makeWorker(local(join(dir.path, 'b')), grants, { workerId: 'wb' });
    const p1 = new HeartbeatPublisher({ bus: fleet, worker: w1, host: 'exec-a', intervalMs: 100 });
    const p2 = new HeartbeatPublisher({ bus: fleet, worker: w2, host: 'exec-b', intervalMs: 100 });
    try {
      const two = await waitFor(() => (registry.list().length === 2 ? registry.list() : undefined), 3000);
      assert.deepEqual(
        two.map((w) => [w.workerId, w.backend, w.host, w.capacity]),
        [
          ['wa', commonv1.Backend.LOCAL, 'exec-a', 3],
          ['wb', commonv1.Backend.LOCAL, 'exec-b', 16],
        ],
      );
      const script = 'sleep 1';
      const running = collect(w1, {
        ...rawRun({ sessionId: 's1', script }),
        grant: await grants.issue({ sessionId: 's1', script, backend: 'local' }),
      });
      const busy = await waitFor(() => {
        const wa = registry.list().find((w) => w.workerId === 'wa');
        return wa && wa.activeRuns === 1 ? wa : undefined;
      }, 3000);
      assert.equal(busy.sessions, 1);
      await running;
      p2.stop();
      await waitFor(() => (registry.list().length === 1 ? true : undefined), 1000);
      assert.deepEqual(
        registry.list().map((w) => w.workerId),
        ['wa'],
      );
    } finally {
      p1.stop();
      p2.stop();
      registry.close();
      await w1.close();
      await w2.close();
    }
  });

  test('a worker that stops beating is dropped after the TTL; a new registry trusts no absence before a TTL', async () => {
    let now = 1_000_000;
    const fleet = new InProcessFleetBus();
    const registry = new FleetRegistry({ bus: fleet, ttlMs: 6000, warmupMs: 0, clock: () => now });
    await registry.start();
    // Before a whole TTL of listening, an unknown worker may just not have beaten yet.
    assert.equal(registry.isAlive('wz'), true);
    fleet.publish(FLEET_HEARTBEAT_SUBJECT, encodeHeartbeat(create(executorv1.WorkerInfoSchema, { workerId: 'wx' })));
    await new Promise((r) => setImmediate(r));
    now += 5000;
    assert.equal(registry.isAlive('wx'), true);
    assert.equal(registry.list().length, 1);
    now += 1500;
    assert.equal(registry.isAlive('wx'), false);
    assert.equal(registry.isAlive('wz'), false);
    assert.equal(registry.list().length, 0);
    registry.close();
  });

  test('a run for a backend with no live worker fails fast with UNAVAILABLE', async () => {
    const client = createClient(executorv1.ExecutorService, new NatsTransport(bus), {
      route: 'hermes.v1.executor.modal',
    });
    const t0 = Date.now();
    await assert.rejects(
      (async () => {
        for await (const _ of client.run({ sessionId: 's1', argv: ['true'] }, { timeoutMs: 10_000 })) {
          // drain
        }
      })(),
      (e: unknown) => e instanceof RpcError && e.code === Code.UNAVAILABLE,
    );
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
  });

  describe('with a real worker process', () => {
    let redis: ServiceHandle;
    let store: RedisTtlStore;
    before(async () => {
      redis = await startRedis();
      store = await openRedisTtlStore(redis.url);
    });
    after(async () => {
      await store?.[Symbol.asyncDispose]();
      await redis?.stop();
    });

    async function startWorkerProcess(home: string, grants: Grants): Promise<ChildProcess> {
      await mkdir(home, { recursive: true });
      await writeFile(
        join(home, 'config.yaml'),
        [
          'terminal:',
          '  backend: local',
          'approvals:',
          '  grants:',
          '    public_keys:',
          `      test: "${grants.publicKey}"`,
          'services:',
          '  executor:',
          '    grpc: { port: 0, host: 127.0.0.1 }',
          '    metrics: { port: 0, host: 127.0.0.1 }',
          '',
        ].join('\n'),
      );
      const child = spawn(process.execPath, [join(REPO, 'services/executor/src/main.ts')], {
        env: { PATH: process.env.PATH, HERMES_HOME: home, NATS_URL: nats.url, REDIS_URL: redis.url, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr?.resume();
      return child;
    }

    test('hermes workers lists a worker process; SIGKILL mid-run → UNAVAILABLE well before the deadline, not re-run', async () => {
      await using dir = await tempDir('fleet-proc');
      const grants = new Grants(store);
      const home = join(dir.path, 'home');
      const child = await startWorkerProcess(home, grants);
      const exited = new Promise((r) => child.once('exit', r));
      const tag = `${400 + Math.floor(Math.random() * 1000)}.5`;
      try {
        const registry = new FleetRegistry({ bus: natsFleetBus(bus.nc), warmupMs: 0 });
        await registry.start();
        const info = await waitFor(() => registry.list()[0], 20_000);
        registry.close();
        assert.equal(info.backend, commonv1.Backend.LOCAL);

        const cli = await waitFor(async () => {
          try {
            const { stdout } = await run(
              process.execPath,
              [join(REPO, 'packages/cli/bin/hermes.js'), 'workers', '--json'],
              {
                env: { PATH: process.env.PATH, HERMES_HOME: home },
              },
            );
            return JSON.parse(stdout) as { workerId: string; backend: string; capacity: number }[];
          } catch {
            return undefined;
          }
        }, 10_000);
        assert.deepEqual(
          cli.map((w) => [w.workerId, w.backend, w.capacity]),
          [[info.workerId, 'local', 16]],
        );

        const client = createClient(executorv1.ExecutorService, new NatsTransport(bus), {
          route: 'hermes.v1.executor.local',
        });
        const script = `echo once >> ../runs.log; echo started; exec sleep ${tag}`;
        const grant = await grants.issue({ sessionId: 's1', script, backend: 'local' });
        const abort = new AbortController();
        let killedAt = 0;
        const err = await (async () => {
          try {
            const stream = client.run({ grant, sessionId: 's1', script }, { timeoutMs: 60_000, signal: abort.signal });
            for await (const m of watchRun(stream, { abort })) {
              if (m.event.case === 'output' && killedAt === 0) {
                killedAt = Date.now();
                child.kill('SIGKILL');
              }
            }
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        const noticedAfter = Date.now() - killedAt;
        assert.ok(err instanceof RpcError && err.code === Code.UNAVAILABLE, String(err));
        assert.match(err.message, /went silent/);
        assert.ok(killedAt > 0 && noticedAfter < 6000, `noticed after ${noticedAfter} ms (deadline 60 s)`);
        await exited;
        await new Promise((r) => setTimeout(r, 500));
        const log = readFileSync(join(home, 'sandboxes', 'local', 's1', 'runs.log'), 'utf8');
        assert.equal(log, 'once\n');
      } finally {
        child.kill('SIGKILL');
        // The local backend's command outlives a SIGKILLed worker (its own process group); clean up.
        for (const p of readdirSync('/proc')) {
          try {
            if (/^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`sleep\0${tag}`)) {
              process.kill(Number(p), 'SIGKILL');
            }
          } catch {
            // gone
          }
        }
      }
    });
  });
});
