// One contract suite, three transports: the same handlers must give callers the same results and the
// same errors in-process, over NATS and over gRPC (issue #2, item 3).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Code,
  connectBus,
  createClient,
  GrpcTransport,
  HealthRegistry,
  InProcessBus,
  NatsTransport,
  RpcError,
  serveGrpc,
  serveNats,
  silentLogger,
  type Transport,
} from '@hermes/rpc';
import { type EchoProbe, EchoService, echoRegistration } from '@hermes/rpc/testing';
import { startNats } from '@hermes/testing';
import { context } from '@opentelemetry/api';
import { installTestTelemetry, newTraceContext } from './otel-test-setup.ts';

installTestTelemetry();

interface Fixture {
  transport: Transport;
  probe: EchoProbe;
  close(): Promise<void>;
}

const fixtures: Record<string, () => Promise<Fixture>> = {
  'in-process': async () => {
    const probe: EchoProbe = { sleepAborted: false };
    const bus = new InProcessBus();
    bus.register(echoRegistration({ probe, relay: () => bus }));
    return { transport: bus, probe, close: () => bus.close() };
  },
  nats: async () => {
    const probe: EchoProbe = { sleepAborted: false };
    const nats = await startNats();
    const serverBus = await connectBus({ url: nats.url, name: 'echo-server', logger: silentLogger });
    const clientBus = await connectBus({ url: nats.url, name: 'echo-client', logger: silentLogger });
    const relayBus = await connectBus({ url: nats.url, name: 'echo-relay', logger: silentLogger });
    const serving = serveNats(
      serverBus,
      [echoRegistration({ probe, relay: () => new NatsTransport(relayBus) })],
      silentLogger,
    );
    await serverBus.nc.flush();
    return {
      transport: new NatsTransport(clientBus),
      probe,
      close: async () => {
        await serving.stop();
        await Promise.all([serverBus.close(), clientBus.close(), relayBus.close()]);
        await nats.stop();
      },
    };
  },
  grpc: async () => {
    const probe: EchoProbe = { sleepAborted: false };
    let address = '';
    const serving = await serveGrpc({
      host: '127.0.0.1',
      port: 0,
      registrations: [echoRegistration({ probe, relay: () => new GrpcTransport(address) })],
      health: new HealthRegistry(),
      logger: silentLogger,
    });
    address = serving.address;
    const transport = new GrpcTransport(address);
    return {
      transport,
      probe,
      close: async () => {
        await transport.close();
        await serving.stop(100);
      },
    };
  },
};

async function rejectsWith(p: Promise<unknown>, code: number, message?: RegExp): Promise<RpcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RpcError, `expected RpcError, got ${String(err)}`);
    assert.equal(err.codeName, new RpcError(code as never, '').codeName, `code (message: ${err.message})`);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail('expected the call to fail');
}

for (const [name, make] of Object.entries(fixtures)) {
  describe(`transport contract: ${name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await make();
    });
    after(async () => {
      await f?.close();
    });

    test('unary round trip carries payload, request id and caller', async () => {
      const client = createClient(EchoService, f.transport, { caller: 'contract-test' });
      const payload = new Uint8Array([0, 1, 2, 255]);
      const res = await client.echo({ text: 'héllo', payload }, { requestId: 'req-42' });
      assert.equal(res.text, 'héllo');
      assert.deepEqual([...res.payload], [...payload]);
      assert.equal(res.requestId, 'req-42');
      assert.equal(res.caller, 'contract-test');
    });

    test('a deadline is visible to the handler', async () => {
      const client = createClient(EchoService, f.transport);
      const res = await client.echo({ text: 'x' }, { timeoutMs: 1500 });
      assert.ok(res.remainingMs > 0n && res.remainingMs <= 1500n, `remaining ${res.remainingMs}`);
    });

    test('server streaming delivers every message in order', async () => {
      const client = createClient(EchoService, f.transport);
      const got: number[] = [];
      for await (const m of client.count({ upTo: 50 })) got.push(m.n);
      assert.deepEqual(
        got,
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    });

    test('a stream that fails mid-way delivers what came before, then the error', async () => {
      const client = createClient(EchoService, f.transport);
      const got: number[] = [];
      await rejectsWith(
        (async () => {
          for await (const m of client.count({ upTo: 10, failAt: 4 })) got.push(m.n);
        })(),
        Code.FAILED_PRECONDITION,
        /stopped at 4/,
      );
      assert.deepEqual(got, [1, 2, 3]);
    });

    test('RpcErrors keep their code and message', async () => {
      const client = createClient(EchoService, f.transport);
      await rejectsWith(client.fail({ code: 'NOT_FOUND', message: 'no such user' }), Code.NOT_FOUND, /^no such user$/);
      await rejectsWith(client.fail({ code: 'PERMISSION_DENIED', message: 'nope' }), Code.PERMISSION_DENIED);
    });

    test('an unexpected exception reaches the caller as INTERNAL with a generic message', async () => {
      const client = createClient(EchoService, f.transport);
      const err = await rejectsWith(client.fail({ code: 'CRASH', message: 'hunter2' }), Code.INTERNAL);
      assert.equal(err.message, 'internal error');
      assert.doesNotMatch(err.message, /hunter2|secret/);
    });

    test('an expired deadline ends the call with DEADLINE_EXCEEDED and aborts the handler', async () => {
      const client = createClient(EchoService, f.transport);
      f.probe.sleepAborted = false;
      const t0 = Date.now();
      await rejectsWith(client.sleep({ ms: 5_000 }, { timeoutMs: 150 }), Code.DEADLINE_EXCEEDED);
      const took = Date.now() - t0;
      assert.ok(took < 1_000, `took ${took} ms`);
      for (let i = 0; i < 50 && !f.probe.sleepAborted; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(f.probe.sleepAborted, true, 'the handler saw its signal abort');
    });

    test('deadline and trace context propagate across a second hop', async () => {
      const client = createClient(EchoService, f.transport);
      const { ctx, traceId } = newTraceContext();
      const res = await context.with(ctx, () => client.relay({ text: 'hop' }, { timeoutMs: 2_000 }));
      assert.equal(res.inner?.text, 'hop');
      assert.ok(
        res.inner!.remainingMs <= 2_000n && res.inner!.remainingMs > 0n,
        `inner remaining ${res.inner?.remainingMs}`,
      );
      assert.equal(res.traceId, traceId, 'first hop sees the caller trace');
      assert.equal(res.inner?.traceId, traceId, 'second hop sees the same trace');
      assert.equal(res.inner?.caller, 'testing', 'the relaying service names itself as caller');
    });

    test('concurrent calls are independent', async () => {
      const client = createClient(EchoService, f.transport);
      const res = await Promise.all(Array.from({ length: 64 }, (_, i) => client.echo({ text: String(i) })));
      assert.deepEqual(
        res.map((r) => r.text),
        Array.from({ length: 64 }, (_, i) => String(i)),
      );
    });
  });
}

describe('UNAVAILABLE when nothing serves the route', () => {
  test('in-process', async () => {
    const bus = new InProcessBus();
    const client = createClient(EchoService, bus);
    await rejectsWith(client.echo({ text: 'x' }), Code.UNAVAILABLE, /no service is serving/);
  });
  test('nats (no responders)', async () => {
    await using nats = await startNats();
    const bus = await connectBus({ url: nats.url, name: 'lonely', logger: silentLogger });
    try {
      const client = createClient(EchoService, new NatsTransport(bus));
      const t0 = Date.now();
      await rejectsWith(
        client.echo({ text: 'x' }, { timeoutMs: 5_000 }),
        Code.UNAVAILABLE,
        /no hermes\.v1\.testing replica/,
      );
      assert.ok(Date.now() - t0 < 1_000, 'fails fast, not at the deadline');
      await rejectsWith(
        (async () => {
          for await (const _ of client.count({ upTo: 2 }, { timeoutMs: 5_000 })) {
          }
        })(),
        Code.UNAVAILABLE,
      );
    } finally {
      await bus.close();
    }
  });
  test('grpc (nothing listening)', async () => {
    const { freePort } = await import('@hermes/testing');
    const t = new GrpcTransport(`127.0.0.1:${await freePort()}`);
    try {
      const client = createClient(EchoService, t);
      await rejectsWith(client.echo({ text: 'x' }, { timeoutMs: 2_000 }), Code.UNAVAILABLE);
    } finally {
      await t.close();
    }
  });
});
