// Shared by the *.test.ts files of this folder: corpus location and decision ordering.
import type { Decision } from './types.ts';

/** Repo root is 4 levels above this folder; the shared corpus sits beside the repo (../shared/corpus). */
export const CORPUS_DIR = new URL('../../../../../shared/corpus/', import.meta.url);

const RANK: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 };
export function decisionRank(d: Decision): number {
  return RANK[d];
}
