import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ChainedEvent, chainHash, GENESIS_HASH } from './chain-hash.ts';
import type { ChainHead, StoredRecord } from './stored-record.ts';
import { type PageReader, verifyChain } from './verify-chain.ts';

function chain(n: number): { records: StoredRecord[]; head: ChainHead } {
  const records: StoredRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const event: ChainedEvent = {
      id: `id-${seq}`,
      timeMs: 1_700_000_000_000 + seq,
      service: 'authz',
      kind: 'authz.check',
      outcome: seq % 2 ? 'allowed' : 'denied',
      sessionId: '',
      actor: `u${seq}`,
      traceId: '',
      attributes: { seq },
    };
    const hash = chainHash(prev, event);
    records.push({ seq, event, prevHash: prev, hash, recordedAtMs: 0, streamSeq: seq });
    prev = hash;
  }
  return { records, head: { seq: n, hash: prev } };
}

const reader =
  (records: readonly StoredRecord[]): PageReader =>
  async (after, upto, limit) =>
    records.filter((r) => r.seq > after && r.seq <= upto).slice(0, limit);

test('an intact chain verifies across page boundaries', async () => {
  const { records, head } = chain(25);
  const r = await verifyChain(head, reader(records), 4);
  assert.deepEqual([r.intact, r.checked, r.firstBrokenSeq], [true, 25, 0]);
});

test('an empty chain is intact', async () => {
  const r = await verifyChain({ seq: 0, hash: GENESIS_HASH }, reader([]));
  assert.deepEqual([r.intact, r.checked], [true, 0]);
});

test('an edited record is the first broken link', async () => {
  const { records, head } = chain(10);
  const r7 = records[6]!;
  records[6] = { ...r7, event: { ...r7.event, outcome: 'allowed' === r7.event.outcome ? 'denied' : 'allowed' } };
  const r = await verifyChain(head, reader(records), 3);
  assert.deepEqual([r.intact, r.firstBrokenSeq, r.checked], [false, 7, 6]);
  assert.match(r.reason, /hash does not match/);
});

test('an edited and re-hashed record breaks the next link', async () => {
  const { records, head } = chain(10);
  const r4 = records[3]!;
  const event = { ...r4.event, actor: 'someone-else' };
  records[3] = { ...r4, event, hash: chainHash(r4.prevHash, event) };
  const r = await verifyChain(head, reader(records));
  assert.deepEqual([r.intact, r.firstBrokenSeq], [false, 5]);
  assert.match(r.reason, /prev_hash does not match record 4/);
});

test('a deleted record is reported by its seq, newest rows too', async () => {
  const { records, head } = chain(10);
  const middle = await verifyChain(head, reader(records.filter((r) => r.seq !== 3)), 4);
  assert.deepEqual([middle.intact, middle.firstBrokenSeq], [false, 3]);
  assert.match(middle.reason, /record 3 is missing/);
  const tail = await verifyChain(head, reader(records.slice(0, 8)));
  assert.deepEqual([tail.intact, tail.firstBrokenSeq], [false, 9]);
});
