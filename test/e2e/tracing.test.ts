// One trace across hops with the real OpenTelemetry SDK (@hermes/observability's initTelemetry):
// a client span, the first server span, the second hop's server span, all over NATS.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, initTelemetry } from '@hermes/observability';
import { connectBus, createClient, NatsTransport, serveNats, silentLogger } from '@hermes/rpc';
import { EchoService, echoRegistration } from '@hermes/rpc/testing';
import { startNats } from '@hermes/testing';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';

test('a call over NATS and the call it makes share one trace id, with parent links', async () => {
  const exporter = new InMemorySpanExporter();
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const telemetry = initTelemetry({
    service: 'trace-test',
    logger: createLogger({ service: 'trace-test', destination: quiet }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  await using nats = await startNats();
  const server = await connectBus({ url: nats.url, name: 'svc', logger: silentLogger });
  const relay = await connectBus({ url: nats.url, name: 'relay', logger: silentLogger });
  const caller = await connectBus({ url: nats.url, name: 'caller', logger: silentLogger });
  const serving = serveNats(server, [echoRegistration({ relay: () => new NatsTransport(relay) })], silentLogger);
  try {
    await server.nc.flush();
    const client = createClient(EchoService, new NatsTransport(caller));
    const res = await telemetry.tracer.startActiveSpan('caller', async (span) => {
      try {
        return await client.relay({ text: 'traced' });
      } finally {
        span.end();
      }
    });
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.name === 'caller');
    const relaySpan = spans.find((s) => s.name === 'hermes.testing.v1.EchoService/Relay');
    const echoSpan = spans.find((s) => s.name === 'hermes.testing.v1.EchoService/Echo');
    assert.ok(root && relaySpan && echoSpan, `spans: ${spans.map((s) => s.name).join(', ')}`);
    const traceId = root.spanContext().traceId;
    assert.equal(relaySpan.spanContext().traceId, traceId);
    assert.equal(echoSpan.spanContext().traceId, traceId);
    assert.equal(
      relaySpan.parentSpanContext?.spanId,
      root.spanContext().spanId,
      'server span is a child of the caller',
    );
    assert.equal(
      echoSpan.parentSpanContext?.spanId,
      relaySpan.spanContext().spanId,
      'second hop is a child of the first',
    );
    assert.equal(res.traceId, traceId, 'the handler context reports the same trace id');
  } finally {
    await serving.stop();
    await Promise.all([server.close(), relay.close(), caller.close()]);
    await telemetry.shutdown(1_000);
  }
});
