// A dead or restarting NATS gives callers UNAVAILABLE within their deadline, never a hang; once the
// server is back, calls succeed again without restarting any service (issue #2, acceptance).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, connectBus, createClient, NatsTransport, RpcError, serveNats, silentLogger } from '@hermes/rpc';
import { EchoService, echoRegistration } from '@hermes/rpc/testing';
import { startNats } from '@hermes/testing';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    return err instanceof RpcError ? err.codeName : `non-rpc error: ${String(err)}`;
  }
}

test('NATS killed and restarted: UNAVAILABLE within the deadline, then recovery without restarts', async () => {
  // fromEnv: false — never kill the shared server of the test run.
  await using nats = await startNats({ fromEnv: false });
  const serverBus = await connectBus({ url: nats.url, name: 'svc', logger: silentLogger, reconnectTimeWaitMs: 100 });
  const clientBus = await connectBus({ url: nats.url, name: 'caller', logger: silentLogger, reconnectTimeWaitMs: 100 });
  const serving = serveNats(serverBus, [echoRegistration()], silentLogger);
  try {
    const client = createClient(EchoService, new NatsTransport(clientBus));
    assert.equal((await client.echo({ text: 'before' })).text, 'before');

    // In flight when the server dies.
    const t0 = Date.now();
    const inflight = codeOf(client.sleep({ ms: 3_000 }, { timeoutMs: 1_500 }));
    await new Promise((r) => setTimeout(r, 100));
    await nats.kill();
    assert.equal(await inflight, 'UNAVAILABLE');
    assert.ok(Date.now() - t0 <= 1_500 + 250, `in-flight call ended after ${Date.now() - t0} ms`);

    // Called while the server is down: fails fast.
    for (let i = 0; i < 20 && clientBus.isConnected(); i++) await new Promise((r) => setTimeout(r, 50));
    const t1 = Date.now();
    assert.equal(await codeOf(client.echo({ text: 'down' }, { timeoutMs: 2_000 })), 'UNAVAILABLE');
    assert.ok(Date.now() - t1 <= 2_000, 'within the deadline');

    await nats.restart();
    let recovered = false;
    const until = Date.now() + 15_000;
    while (!recovered && Date.now() < until) {
      recovered = (await codeOf(client.echo({ text: 'after' }, { timeoutMs: 1_000 }))) === 'OK';
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(recovered, 'calls succeed again after NATS returns, with no service restart');
    assert.equal(Code.UNAVAILABLE, 14);
  } finally {
    await serving.stop();
    await serverBus.close();
    await clientBus.close();
  }
});
