import { chainHash, GENESIS_HASH } from './chain-hash.ts';
import type { ChainHead, StoredRecord } from './stored-record.ts';

export interface VerifyResult {
  readonly intact: boolean;
  readonly checked: number;
  /** 0 when intact. */
  readonly firstBrokenSeq: number;
  readonly reason: string;
  readonly head: ChainHead;
}

/** Reads records with afterSeq < seq <= uptoSeq in seq order, at most `limit`. */
export type PageReader = (afterSeq: number, uptoSeq: number, limit: number) => Promise<readonly StoredRecord[]>;

/**
 * Walks the chain from seq 1 to the head the writer recorded and reports the first broken link:
 * a missing seq (deleted row), a hash that does not match the row's content (edited row), a
 * prev_hash that does not match the record before (re-hashed or re-ordered row), or an end short of
 * the head (deleted newest rows). Records appended after `head` was read are left for the next run.
 */
export async function verifyChain(head: ChainHead, read: PageReader, pageSize = 2000): Promise<VerifyResult> {
  let expectSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  const broken = (seq: number, reason: string): VerifyResult => ({
    intact: false,
    checked,
    firstBrokenSeq: seq,
    reason,
    head,
  });
  for (;;) {
    const page = await read(expectSeq - 1, head.seq, pageSize);
    for (const r of page) {
      if (r.seq !== expectSeq) return broken(expectSeq, `record ${expectSeq} is missing`);
      if (r.prevHash !== prevHash) return broken(r.seq, `prev_hash does not match record ${r.seq - 1}`);
      if (chainHash(r.prevHash, r.event) !== r.hash) return broken(r.seq, 'hash does not match the record content');
      checked += 1;
      prevHash = r.hash;
      expectSeq += 1;
    }
    if (page.length < pageSize) break;
  }
  if (expectSeq - 1 < head.seq) return broken(expectSeq, `record ${expectSeq} is missing (chain head is ${head.seq})`);
  if (head.seq > 0 && prevHash !== head.hash) return broken(head.seq, 'last record does not match the chain head');
  return { intact: true, checked, firstBrokenSeq: 0, reason: '', head };
}
