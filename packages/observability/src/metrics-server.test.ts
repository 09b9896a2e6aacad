import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter } from 'prom-client';
import { MetricsServerError } from './errors.ts';
import { createMetricsRegistry, startMetricsServer } from './metrics-server.ts';

test('metrics endpoint answers on a random port; other paths 404, other methods 405', async () => {
  const registry = createMetricsRegistry({ service: 'scanner' });
  const scans = new Counter({
    name: 'hermes_scans_total',
    help: 'scans',
    labelNames: ['verdict'],
    registers: [registry],
  });
  scans.inc({ verdict: 'block' }, 3);
  const server = await startMetricsServer({ port: 0, registry });
  try {
    assert.ok(server.port > 0);
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const body = await res.text();
    assert.match(body, /hermes_scans_total\{verdict="block",service="scanner"\} 3/);
    assert.match(body, /hermes_process_cpu_user_seconds_total/);

    assert.equal((await fetch(`http://127.0.0.1:${server.port}/`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/metrics/x`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' })).status, 405);
  } finally {
    await server.close();
  }
  await assert.rejects(fetch(`http://127.0.0.1:${server.port}/metrics`));
});

test('a port already in use is a MetricsServerError naming host and port', async () => {
  const registry = createMetricsRegistry({ service: 'audit', collectDefaults: false });
  const first = await startMetricsServer({ port: 0, registry });
  try {
    await assert.rejects(startMetricsServer({ port: first.port, registry }), (err: unknown) => {
      assert.ok(err instanceof MetricsServerError);
      assert.equal(err.port, first.port);
      assert.match(err.message, /EADDRINUSE/);
      return true;
    });
  } finally {
    await first.close();
  }
});
