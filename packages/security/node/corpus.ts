// Test-only I/O helper: reads the shared labelled corpus (../shared/corpus beside the repo). Lives at the
// package's I/O edge so the pure src/ tree (and its tests) never import node:fs.
import { readFileSync } from 'node:fs';

/** Repo root is 4 levels above packages/security/src/command; the corpus sits beside the repo. */
export const CORPUS_DIR = new URL('../../../../shared/corpus/', import.meta.url);

export function readCorpus<T>(name: string): T[] {
  return readFileSync(new URL(name, CORPUS_DIR), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}
