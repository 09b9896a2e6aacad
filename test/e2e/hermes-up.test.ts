// `hermes up` (embedded mode): all seven services SERVING within 20 s, `hermes health` agrees,
// Ctrl-C exits 0 within 5 s, and the embedded database lives in a 0700 directory (issue #2 acceptance).
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runHermes, spawnHermes, tempHome } from './hermes-process.ts';

test('hermes up: seven services SERVING, health agrees, Ctrl-C stops cleanly', async () => {
  await using home = await tempHome();
  // Embedded mode: no external infrastructure, even when the test run provides some.
  const env = { ...home.env };
  await using up = spawnHermes(['up'], env);
  const t0 = Date.now();
  await up.waitFor(/Press Ctrl-C to stop/, 20_000);
  const health = await runHermes(['health', '--json'], env);
  const serving = Date.now() - t0;
  assert.equal(health.code, 0, health.stdout + health.stderr);
  const report = JSON.parse(health.stdout) as {
    healthy: boolean;
    services: Array<{ service: string; status: string }>;
  };
  assert.equal(report.healthy, true);
  assert.deepEqual(
    report.services.map((s) => s.status),
    Array(7).fill('SERVING'),
  );
  assert.ok(serving < 20_000, `all SERVING after ${serving} ms`);
  assert.match(up.stdout(), /7 services on the in-process bus/);
  assert.match(up.stdout(), new RegExp(`data: +${home.home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/data/pglite`));

  // Every service serves Prometheus metrics on its own port.
  const metricsUrl = /authz +\S+ +(http:\/\/\S+\/metrics)/.exec(up.stdout())?.[1];
  assert.ok(metricsUrl, 'banner lists the authz metrics endpoint');
  const metrics = await fetch(metricsUrl);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /^# HELP hermes_/m);

  const mode = (await stat(join(home.home, 'data', 'pglite'))).mode & 0o777;
  assert.equal(mode, 0o700, `data dir mode ${mode.toString(8)}`);

  const t1 = Date.now();
  const code = await up.stop('SIGINT');
  assert.equal(code, 0, up.stderr());
  assert.ok(Date.now() - t1 < 5_000, `stopped in ${Date.now() - t1} ms`);
  assert.match(up.stdout(), /hermes: stopped/);

  const after = await runHermes(['health'], env);
  assert.equal(after.code, 1, 'nothing is serving after the stop');
  assert.match(after.stdout, /UNREACHABLE/);
});

test('hermes up refuses to start on a taken port with a clear message and exit 1', async () => {
  await using home = await tempHome('', { fixedPorts: true });
  await using first = spawnHermes(['up'], home.env);
  await first.waitFor(/Press Ctrl-C to stop/, 20_000);
  const second = await runHermes(['up'], home.env);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /could not start: .*\n.*port is already taken/);
  assert.equal(await first.stop('SIGTERM'), 0);
});
