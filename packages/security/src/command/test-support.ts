// Shared by the *.test.ts files of this folder: decision ordering.
import type { Decision } from './types.ts';

const RANK: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 };
export function decisionRank(d: Decision): number {
  return RANK[d];
}
