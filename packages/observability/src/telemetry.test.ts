import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createLogger } from './logger.ts';
import { initTelemetry } from './telemetry.ts';
import { extractTraceContext, injectTraceContext, withTraceContext } from './trace-context.ts';

const quietLogger = () => createLogger({ service: 'test', level: 'silent' });

test('trace context round-trips through a header carrier (W3C traceparent), any header case', async () => {
  const exporter = new InMemorySpanExporter();
  const tel = initTelemetry({
    service: 'hermes-test',
    logger: quietLogger(),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  try {
    const parent = tel.tracer.startSpan('client call');
    const headers = injectTraceContext({}, trace.setSpan(context.active(), parent));
    const { traceId, spanId } = parent.spanContext();
    assert.equal(headers.traceparent, `00-${traceId}-${spanId}-01`);

    // Server side: NATS keeps header case as sent, so look up case-insensitively.
    const natsHeaders = { Traceparent: headers.traceparent! };
    for (const carrier of [headers, natsHeaders]) {
      const child = tel.tracer.startSpan('server handle', {}, extractTraceContext(carrier));
      assert.equal(child.spanContext().traceId, traceId);
      child.end();
    }
    withTraceContext(headers, () => {
      const span = tel.tracer.startSpan('inside');
      assert.equal(span.spanContext().traceId, traceId);
      span.end();
    });
    parent.end();

    const spans = exporter.getFinishedSpans();
    const server = spans.filter((s) => s.name === 'server handle');
    assert.equal(server.length, 2);
    for (const s of server) assert.equal(s.parentSpanContext?.spanId, spanId);

    // A carrier without trace context yields a fresh root, not an error.
    const orphan = tel.tracer.startSpan('orphan', {}, extractTraceContext({ traceparent: 'garbage' }));
    assert.notEqual(orphan.spanContext().traceId, traceId);
    orphan.end();
  } finally {
    await tel.shutdown();
  }
});

test('health-check spans are sampled out; logs carry the active trace id', async () => {
  const exporter = new InMemorySpanExporter();
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ service: 'gateway', destination });
  const tel = initTelemetry({
    service: 'hermes-test',
    logger: log,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  try {
    const health = tel.tracer.startSpan('/grpc.health.v1.Health/Check');
    assert.equal(health.isRecording(), false);
    health.end();
    const byAttr = tel.tracer.startSpan('Check', { attributes: { 'rpc.service': 'grpc.health.v1.Health' } });
    byAttr.end();
    const real = tel.tracer.startSpan('/hermes.approval.v1.ApprovalService/Evaluate');
    context.with(trace.setSpan(context.active(), real), () => log.info({ step: 'evaluate' }, 'evaluated'));
    real.end();
    assert.deepEqual(
      exporter.getFinishedSpans().map((s) => s.name),
      ['/hermes.approval.v1.ApprovalService/Evaluate'],
    );
    const line = JSON.parse(lines.at(-1)!) as { trace_id?: string; span_id?: string };
    assert.equal(line.trace_id, real.spanContext().traceId);
    assert.equal(line.span_id, real.spanContext().spanId);
  } finally {
    await tel.shutdown();
  }
});

test('with an OTLP endpoint, shutdown() flushes batched spans to the collector over HTTP', async () => {
  const received: { url: string; body: string }[] = [];
  const collector = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  try {
    const tel = initTelemetry({
      service: 'hermes-flush',
      otlpEndpoint: `http://127.0.0.1:${port}/`,
      logger: quietLogger(),
    });
    tel.tracer.startSpan('flushed-on-shutdown').end();
    assert.equal(received.filter((r) => r.url === '/v1/traces').length, 0, 'batched, not yet sent');
    await tel.shutdown();
    const traces = received.filter((r) => r.url === '/v1/traces');
    assert.equal(traces.length, 1);
    assert.match(traces[0]!.body, /flushed-on-shutdown/);
    assert.match(traces[0]!.body, /hermes-flush/);
  } finally {
    collector.closeAllConnections();
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  }
});

test('initTelemetry is idempotent within a process (embedded mode)', async () => {
  const a = initTelemetry({ service: 'one', logger: quietLogger() });
  const b = initTelemetry({ service: 'two', logger: quietLogger() });
  try {
    assert.equal(a, b);
  } finally {
    await a.shutdown();
  }
});
