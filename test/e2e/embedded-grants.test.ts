// Embedded mode with no grant key configured: approval and the executor share one ephemeral key for
// the process, so an allowed command runs — and a forged or replayed grant still runs nothing.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { loadConfig } from '@hermes/config';
import { createLogger } from '@hermes/observability';
import { startPlatform } from '@hermes/platform';
import { approvalv1, commonv1, executorv1 } from '@hermes/proto';
import { Code, createClient, RpcError, servicePrefix } from '@hermes/rpc';
import { approvalService } from '@hermes/svc-approval';
import { executorService } from '@hermes/svc-executor';

test('embedded: an allowed command runs with approval’s grant; the same grant cannot run twice', async () => {
  const home = await mkdtemp(join(tmpdir(), 'hermes-embedded-'));
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const env = { HERMES_HOME: home, PATH: process.env.PATH };
  const config = loadConfig({ ...env, ...portsZero() });
  const platform = await startPlatform({
    config,
    env,
    modules: [approvalService, executorService],
    logger: createLogger({ service: 'test', destination: quiet }),
    metrics: false,
  });
  try {
    const bus = platform.transport;
    const approval = createClient(approvalv1.ApprovalService, bus);
    const executor = createClient(executorv1.ExecutorService, bus, { route: servicePrefix('executor', 'local') });
    const script = 'echo embedded-$((6*7))';
    const v = await approval.evaluate({ sessionId: 's1', command: script, backend: commonv1.Backend.LOCAL });
    assert.equal(v.decision, commonv1.Decision.ALLOW);
    let out = '';
    let exit = -1;
    for await (const m of executor.run({ grant: v.grant, sessionId: 's1', script })) {
      if (m.event.case === 'output') out += Buffer.from(m.event.value.data).toString();
      if (m.event.case === 'result') exit = m.event.value.exitCode;
    }
    assert.equal(out.trim(), 'embedded-42');
    assert.equal(exit, 0);
    await assert.rejects(
      (async () => {
        for await (const _ of executor.run({ grant: v.grant, sessionId: 's1', script })) {
        }
      })(),
      (e: unknown) => e instanceof RpcError && e.code === Code.PERMISSION_DENIED,
      'a replayed grant runs nothing',
    );
  } finally {
    await platform.stop(1_000);
    await rm(home, { recursive: true, force: true });
  }
});

function portsZero(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of ['GATEWAY', 'AUTHZ', 'AGENT', 'SCANNER', 'APPROVAL', 'EXECUTOR', 'AUDIT'])
    env[`HERMES_${s}_GRPC_PORT`] = '0';
  return env;
}
