// Issue #5 acceptance: "A test greps every log line, span and metric emitted during a full pairing
// flow for the code and finds none." Audit events and error messages are searched too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fromBinary, toJsonString } from '@bufbuild/protobuf';
import { initTelemetry, type Telemetry } from '@hermes/observability';
import { auditSubject } from '@hermes/platform';
import { auditv1, authzv1 } from '@hermes/proto';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { type AuthzCluster, captureLogger, HOUR, P, startCluster } from './authz-harness.ts';

const exporter = new InMemorySpanExporter();
const captured = captureLogger();
let telemetry: Telemetry;
let cluster: AuthzCluster;
const audit: auditv1.AuditEvent[] = [];

before(async () => {
  telemetry = initTelemetry({
    service: 'hermes-authz-test',
    logger: captured.logger,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  cluster = await startCluster({ replicas: 2, logger: captured.logger, metrics: true });
  cluster.bus.nc.subscribe(auditSubject('authz'), {
    callback: (_e, m) => {
      audit.push(fromBinary(auditv1.AuditEventSchema, m.data));
    },
  });
  await cluster.bus.nc.flush();
});
after(async () => {
  await cluster?.close();
  await telemetry?.shutdown();
});

function variants(code: string): string[] {
  return [code, code.toLowerCase(), `${code.slice(0, 4)}-${code.slice(4)}`];
}

test('no code in any log line, span, metric, audit event or error of a full pairing flow', async () => {
  const codes: string[] = [];
  const errors: string[] = [];
  const [a, b] = [cluster.replicas[0]!.client, cluster.replicas[1]!.client];
  const issue = async (client: typeof a, platform: number, userId: string) => {
    const r = await client.requestCode({ platform, userId, displayName: `Name of ${userId}` });
    assert.equal(r.outcome, authzv1.RequestCodeOutcome.ISSUED);
    codes.push(r.code);
    return r.code;
  };

  // Issue through one replica and over NATS, approve through the other, with typing noise.
  const c1 = await issue(a, P.telegram, 'leak1');
  const c2 = await issue(cluster.client, P.telegram, 'leak2');
  const c3 = await issue(b, P.discord, 'leak3');
  await cluster.client.check({ platform: P.telegram, userId: 'leak1', chatType: authzv1.ChatType.DM });
  assert.equal((await b.approve({ platform: P.telegram, code: ` ${c1.toLowerCase()} ` })).approved, true);
  assert.equal(
    (await cluster.client.approve({ platform: P.telegram, code: `${c2.slice(0, 4)}-${c2.slice(4)}` })).approved,
    true,
  );
  // The code of one platform tried on another: wrong, and must not be echoed either.
  assert.equal((await a.approve({ platform: P.slack, code: c3 })).approved, false);
  // Malformed variants of a real code: errors must not echo them.
  for (const bad of [`${c3}X`, c3.slice(0, 7), `${c3.slice(0, 7)}0`]) {
    await a.approve({ platform: P.discord, code: bad }).catch((e: Error) => errors.push(e.message));
  }
  assert.equal(errors.length, 3);
  // Drive a lockout and its refusal of a valid code, then expiry, list, revoke, clear.
  for (let i = 0; i < 5; i++) await a.approve({ platform: P.discord, code: 'ZZZZZZZZ' });
  assert.equal((await b.approve({ platform: P.discord, code: c3 })).outcome, authzv1.ApproveOutcome.LOCKED_OUT);
  await issue(a, P.signal, 'leak4');
  cluster.clock.advance(HOUR + 1);
  await a.list({});
  await b.revoke({ platform: P.telegram, userId: 'leak1' });
  await cluster.client.clearPending({});

  await telemetry.tracerProvider.forceFlush();
  const metrics = await Promise.all(
    cluster.replicas.map(async (r) => (r.metricsUrl ? (await fetch(r.metricsUrl)).text() : '')),
  );
  await new Promise((r) => setTimeout(r, 100));

  const spans = exporter.getFinishedSpans();
  assert.ok(
    spans.some((s) => s.name.includes('AuthzService/Approve')),
    'server spans were captured',
  );
  // The service's own log lines are in the capture (its lockout warning), not just the host's.
  assert.ok(
    captured.lines.some((l) => l.includes('pairing locked out')),
    'authz log lines were captured',
  );
  assert.ok(
    metrics.every((m) => m.includes('hermes_authz_pairing_events_total')),
    'metrics were scraped',
  );
  assert.ok(audit.some((e) => e.kind === 'authz.pairing.code_request' && e.outcome === 'issued'));
  assert.ok(audit.some((e) => e.kind === 'authz.pairing.lockout'));

  const haystacks: Record<string, string> = {
    logs: captured.lines.join('\n'),
    spans: JSON.stringify(
      spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
    ),
    metrics: metrics.join('\n'),
    audit: audit.map((e) => toJsonString(auditv1.AuditEventSchema, e)).join('\n'),
    errors: errors.join('\n'),
  };
  for (const code of codes) {
    for (const v of variants(code)) {
      for (const [where, text] of Object.entries(haystacks)) {
        assert.ok(!text.includes(v), `pairing code found in ${where}`);
      }
    }
  }
});
