// The worker served over real NATS the way `hermes serve executor --backend local` serves it:
// streaming output, statuses on the wire, and UNAVAILABLE at once when no worker serves a backend.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { executorv1 } from '@hermes/proto';
import {
  type BusConnection,
  Code,
  connectBus,
  createClient,
  NatsTransport,
  RpcError,
  serveNats,
  silentLogger,
} from '@hermes/rpc';
import { startNats } from '@hermes/testing';
import { LocalBackend } from '../src/backends/local/local-backend.ts';
import { executorRegistration } from '../src/server.ts';
import { Grants, makeWorker, tempDir } from './worker-harness.ts';

describe('executor over NATS', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let bus: BusConnection;
  before(async () => {
    nats = await startNats();
    bus = await connectBus({ url: nats.url, name: 'executor-test', logger: silentLogger });
  });
  after(async () => {
    await bus.close();
    await nats.stop();
  });

  test('Run streams output and the result; refusals and bad input arrive as statuses', async () => {
    await using dir = await tempDir('nats');
    const grants = new Grants();
    const worker = makeWorker(
      new LocalBackend({
        sandboxDir: dir.path,
        messagingCwd: undefined,
        persistent: true,
        sandbox: 'none',
        network: false,
        hostEnv: { PATH: process.env.PATH },
        clock: Date.now,
      }),
      grants,
    );
    const serving = serveNats(bus, [executorRegistration(worker)], silentLogger);
    try {
      const client = createClient(executorv1.ExecutorService, new NatsTransport(bus), {
        route: 'hermes.v1.executor.local',
      });
      const script = 'for i in 1 2 3; do echo line$i; done; exit 7';
      const grant = await grants.issue({ sessionId: 's1', script, backend: 'local' });
      const kinds: string[] = [];
      let out = '';
      let result: executorv1.RunResult | undefined;
      for await (const m of client.run({ grant, sessionId: 's1', script }, { timeoutMs: 10_000 })) {
        kinds.push(m.event.case ?? '');
        if (m.event.case === 'output') out += Buffer.from(m.event.value.data).toString();
        if (m.event.case === 'result') result = m.event.value;
      }
      assert.equal(kinds[0], 'runId');
      assert.equal(out, 'line1\nline2\nline3\n');
      assert.equal(result?.exitCode, 7);
      assert.equal(result?.workerId, 'wtest');

      const code = async (p: AsyncIterable<unknown>) => {
        try {
          for await (const _ of p) {
            // drain
          }
        } catch (e) {
          assert.ok(e instanceof RpcError, String(e));
          return e.code;
        }
        return Code.OK;
      };
      // Replay of the grant just used.
      assert.equal(await code(client.run({ grant, sessionId: 's1', script })), Code.PERMISSION_DENIED);
      assert.equal(await code(client.run({ sessionId: 's1', script, cwd: 'a;b' })), Code.INVALID_ARGUMENT);
      assert.equal(await code(client.run({ sessionId: 's1', script, backend: 2 })), Code.INVALID_ARGUMENT);

      const sessions = await client.listSessions({});
      assert.deepEqual(
        sessions.sessions.map((s) => [s.sessionId, s.workerId]),
        [['s1', 'wtest']],
      );
      assert.equal((await client.endSession({ sessionId: 's1' })).ended, true);
      assert.equal((await client.cancel({ runId: 'wtest.nope' })).cancelled, false);

      // Nobody serves the modal backend: UNAVAILABLE at once, not at the deadline.
      const modal = createClient(executorv1.ExecutorService, new NatsTransport(bus), {
        route: 'hermes.v1.executor.modal',
      });
      const t0 = Date.now();
      assert.equal(await code(modal.run({ sessionId: 's1', script }, { timeoutMs: 20_000 })), Code.UNAVAILABLE);
      assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    } finally {
      await serving.stop();
      await worker.close();
    }
  });
});
