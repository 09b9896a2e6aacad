// Malformed protobuf, oversized messages, unknown subjects/methods, garbage headers and expired
// deadlines each get a clear status, and the service keeps serving (issue #2, "Bad input").
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  type BusConnection,
  Code,
  codeName,
  connectBus,
  createClient,
  fromNatsErrorHeaders,
  type GrpcServing,
  GrpcTransport,
  HealthRegistry,
  type NatsServing,
  NatsTransport,
  type RpcLogger,
  serveGrpc,
  serveNats,
} from '@hermes/rpc';
import { EchoService, echoRegistration } from '@hermes/rpc/testing';
import { type NatsHandle, startNats } from '@hermes/testing';
import { type Msg, headers as natsHeaders } from '@nats-io/transport-node';

const MAX = 1024;

/** Captures log lines so the test can check "logged once, without its payload". */
function capturingLogger(lines: Array<{ msg: string; obj: object }>): RpcLogger {
  const log: RpcLogger = {
    debug: (obj, msg) => lines.push({ obj, msg }),
    info: (obj, msg) => lines.push({ obj, msg }),
    warn: (obj, msg) => lines.push({ obj, msg }),
    error: (obj, msg) => lines.push({ obj, msg }),
    child: () => log,
  };
  return log;
}

describe('bad input over NATS', () => {
  let nats: NatsHandle;
  let server: BusConnection;
  let client: BusConnection;
  let serving: NatsServing;
  const lines: Array<{ msg: string; obj: object }> = [];

  before(async () => {
    nats = await startNats();
    server = await connectBus({ url: nats.url, name: 's', logger: capturingLogger([]) });
    client = await connectBus({ url: nats.url, name: 'c', logger: capturingLogger([]) });
    serving = serveNats(server, [echoRegistration({ maxMessageBytes: MAX })], capturingLogger(lines));
    await server.nc.flush();
  });
  after(async () => {
    await serving.stop();
    await server.close();
    await client.close();
    await nats.stop();
  });

  async function raw(subject: string, data: Uint8Array, hdrs: Record<string, string> = {}): Promise<Msg> {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(hdrs)) h.set(k, v);
    return client.nc.request(subject, data, { timeout: 2_000, headers: h });
  }
  function statusOf(m: Msg): string {
    const err = m.headers ? fromNatsErrorHeaders((k) => m.headers!.get(k)) : undefined;
    return err ? `${codeName(err.code)}: ${err.message}` : 'OK';
  }

  test('malformed protobuf → INVALID_ARGUMENT naming the expected type, logged without the payload', async () => {
    const secretish = new TextEncoder().encode('\xff\xff\xff\xffpayload-marker-9f3');
    const m = await raw('hermes.v1.testing.Echo', secretish);
    assert.match(
      statusOf(m),
      /^INVALID_ARGUMENT: malformed protobuf payload: expected hermes\.testing\.v1\.EchoRequest/,
    );
    assert.equal(m.headers?.get('Nats-Service-Error-Code'), '400');
    const logged = lines.filter((l) => l.msg === 'request rejected');
    assert.equal(logged.length, 1);
    assert.doesNotMatch(JSON.stringify(logged), /payload-marker-9f3/);
  });

  test('oversized request → RESOURCE_EXHAUSTED', async () => {
    const big = new Uint8Array(MAX + 1);
    const m = await raw('hermes.v1.testing.Echo', big);
    assert.match(statusOf(m), /^RESOURCE_EXHAUSTED: request of 1025 bytes exceeds the 1024-byte limit/);
  });

  test('unknown method → UNIMPLEMENTED', async () => {
    const m = await raw('hermes.v1.testing.Nope', new Uint8Array());
    assert.match(statusOf(m), /^UNIMPLEMENTED: hermes\.testing\.v1\.EchoService has no method Nope/);
  });

  test('garbage timeout header → INVALID_ARGUMENT; zero → DEADLINE_EXCEEDED', async () => {
    const m1 = await raw('hermes.v1.testing.Echo', new Uint8Array(), { 'hermes-timeout-ms': 'soon' });
    assert.match(statusOf(m1), /^INVALID_ARGUMENT: header hermes-timeout-ms/);
    const m2 = await raw('hermes.v1.testing.Echo', new Uint8Array(), { 'hermes-timeout-ms': '0' });
    assert.match(statusOf(m2), /^DEADLINE_EXCEEDED/);
  });

  test('garbage request id and caller headers are ignored, not trusted', async () => {
    const m = await raw('hermes.v1.testing.Echo', new Uint8Array(), {
      'hermes-request-id': 'x'.repeat(500),
      'hermes-caller': 'bad caller\twith tab',
    });
    assert.equal(statusOf(m), 'OK');
  });

  test('a publish without reply subject is dropped and the service keeps serving', async () => {
    client.nc.publish('hermes.v1.testing.Echo', new Uint8Array([1, 2, 3]));
    const c = createClient(EchoService, new NatsTransport(client));
    assert.equal((await c.echo({ text: 'still here' })).text, 'still here');
  });
});

describe('bad input over gRPC', () => {
  let serving: GrpcServing;
  let raw: Client;
  before(async () => {
    serving = await serveGrpc({
      host: '127.0.0.1',
      port: 0,
      registrations: [echoRegistration({ maxMessageBytes: MAX })],
      health: new HealthRegistry(),
      logger: capturingLogger([]),
    });
    raw = new Client(serving.address, credentials.createInsecure());
  });
  after(async () => {
    raw.close();
    await serving.stop(100);
  });

  function call(path: string, data: Buffer): Promise<ServiceError | null> {
    return new Promise((resolve) => {
      raw.makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        data,
        new Metadata(),
        { deadline: Date.now() + 2_000 },
        (err) => resolve(err),
      );
    });
  }

  test('malformed protobuf → INVALID_ARGUMENT', async () => {
    const err = await call('/hermes.testing.v1.EchoService/Echo', Buffer.from([0xff, 0xff, 0xff, 0xff]));
    assert.equal(err?.code, Code.INVALID_ARGUMENT);
    assert.match(err?.details ?? '', /expected hermes\.testing\.v1\.EchoRequest/);
  });

  test('oversized request → RESOURCE_EXHAUSTED', async () => {
    const err = await call('/hermes.testing.v1.EchoService/Echo', Buffer.alloc(MAX + 100));
    assert.equal(err?.code, Code.RESOURCE_EXHAUSTED);
  });

  test('unknown method → UNIMPLEMENTED', async () => {
    const err = await call('/hermes.testing.v1.EchoService/Nope', Buffer.alloc(0));
    assert.equal(err?.code, Code.UNIMPLEMENTED);
  });

  test('the service keeps serving after bad input', async () => {
    const t = new GrpcTransport(serving.address);
    try {
      assert.equal((await createClient(EchoService, t).echo({ text: 'ok' })).text, 'ok');
    } finally {
      await t.close();
    }
  });
});
