// Export to a real S3-compatible server: incremental objects, verifiable on their own, on demand and on a schedule.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inProcessAuditSink } from '@hermes/platform';
import { Code, RpcError } from '@hermes/rpc';
import { createRedactor } from '@hermes/security';
import { createTestDatabase, type TestDatabase } from '@hermes/testing';
import { chainHash, GENESIS_HASH } from '../src/index.ts';
import { type AuditReplica, eventually, requireEnv, startAuditReplica } from './audit-harness.ts';
import { type S3Server, startS3Server } from './s3-server.ts';

let s3: S3Server;
let db: TestDatabase;
let audit: AuditReplica;

function emit(n: number, from: number): void {
  const sink = inProcessAuditSink(audit.platform.auditBus!, 'approval', createRedactor({ knownSecrets: [] }));
  for (let i = from; i < from + n; i++) {
    sink.emit({
      kind: 'approval.evaluate',
      outcome: 'allowed',
      actor: `u${i}`,
      attributes: { i, argv: ['ls', '-la'] },
    });
  }
}

interface Line {
  seq: number;
  id: string;
  time: string;
  service: string;
  kind: string;
  outcome: string;
  session_id: string;
  actor: string;
  trace_id: string;
  attributes: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

async function linesUnder(prefix: string): Promise<Line[]> {
  const out: Line[] = [];
  for (const key of await s3.list('hermes-audit', prefix)) {
    const body = await s3.get('hermes-audit', key);
    for (const l of body.split('\n')) if (l) out.push(JSON.parse(l) as Line);
  }
  return out;
}

before(async () => {
  s3 = await startS3Server(['hermes-audit']);
  db = await createTestDatabase(requireEnv('DATABASE_URL'));
  audit = await startAuditReplica({
    databaseUrl: db.url,
    yaml: [
      'audit:',
      '  export:',
      '    to: s3://hermes-audit/scheduled',
      '  s3:',
      `    endpoint: ${s3.endpoint}`,
      `    access_key_id: ${s3.accessKeyId}`,
      `    secret_access_key: ${s3.secretAccessKey}`,
      '',
    ].join('\n'),
    service: { recordsPerObject: 10, exportIntervalMs: 300 },
  });
  emit(25, 1);
  await audit.writer.idle();
});
after(async () => {
  await audit?.stop();
  await db?.drop();
  await s3?.[Symbol.asyncDispose]();
});

test('export writes the chain as JSON-lines objects whose hashes verify without the database', async () => {
  const r = await audit.client.export({ to: 's3://hermes-audit/manual/' });
  assert.deepEqual([Number(r.records), Number(r.firstSeq), Number(r.lastSeq), r.keys.length], [25, 1, 25, 3]);
  assert.deepEqual(await s3.list('hermes-audit', 'manual/'), r.keys);
  const lines = await linesUnder('manual/');
  assert.deepEqual(
    lines.map((l) => l.seq),
    Array.from({ length: 25 }, (_, i) => i + 1),
  );
  let prev = GENESIS_HASH;
  for (const l of lines) {
    assert.equal(l.prev_hash, prev);
    const recomputed = chainHash(l.prev_hash, {
      id: l.id,
      timeMs: Date.parse(l.time),
      service: l.service,
      kind: l.kind,
      outcome: l.outcome,
      sessionId: l.session_id,
      actor: l.actor,
      traceId: l.trace_id,
      attributes: l.attributes as never,
    });
    assert.equal(recomputed, l.hash, `exported record ${l.seq} verifies`);
    prev = l.hash;
  }
  assert.equal(prev, (await audit.client.verify({})).headHash, 'the export ends at the chain head');
});

test('a second export writes only what is new; full=true writes everything again', async () => {
  const none = await audit.client.export({ to: 's3://hermes-audit/manual' });
  assert.deepEqual([Number(none.records), none.keys.length], [0, 0]);
  emit(5, 26);
  await audit.writer.idle();
  const more = await audit.client.export({ to: 's3://hermes-audit/manual' });
  assert.deepEqual([Number(more.records), Number(more.firstSeq), Number(more.lastSeq)], [5, 26, 30]);
  assert.deepEqual(more.keys, ['manual/hermes-audit-00000000000000000026-00000000000000000030.jsonl']);
  const full = await audit.client.export({ to: 's3://hermes-audit/manual', full: true });
  assert.equal(Number(full.records), 30);
});

test('the scheduled export (audit.export.to) catches up by itself', async () => {
  await eventually('the scheduled export to reach seq 30', async () => {
    const lines = await linesUnder('scheduled/');
    return lines.length === 30 && lines.at(-1)?.seq === 30;
  });
  const seqs = (await linesUnder('scheduled/')).map((l) => l.seq);
  assert.deepEqual(
    seqs,
    Array.from({ length: 30 }, (_, i) => i + 1),
    'each record exported once, in order',
  );
});

test('bad targets are INVALID_ARGUMENT; an unreachable bucket is UNAVAILABLE with a generic message', async () => {
  await assert.rejects(
    audit.client.export({ to: 'http://example.com/x' }),
    (e: unknown) => e instanceof RpcError && e.code === Code.INVALID_ARGUMENT,
  );
  await assert.rejects(
    audit.client.export({ to: 's3://no-such-bucket/x' }),
    (e: unknown) => e instanceof RpcError && e.code === Code.UNAVAILABLE && !e.message.includes('S3RVER'),
  );
});
