// UTS #39 skeletons over the generated TR39 subset (data/confusables.gen.ts).
import { CONFUSABLES_PACKED } from '../data/confusables.gen.ts';

let table: Map<number, string> | null = null;

function load(): Map<number, string> {
  if (table) return table;
  const m = new Map<number, string>();
  for (const pair of CONFUSABLES_PACKED.split(' ')) {
    const i = pair.indexOf(':');
    m.set(Number.parseInt(pair.slice(0, i), 16), pair.slice(i + 1));
  }
  table = m;
  return m;
}

/** ASCII look-alike of one code point, or undefined. */
export function confusableOf(cp: number): string | undefined {
  return load().get(cp);
}

/** Skeleton per UTS #39 (NFD, map, NFD), lower-cased; characters without a mapping are kept. */
export function skeleton(s: string): string {
  const t = load();
  let out = '';
  for (const ch of s.normalize('NFD')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x300 && cp <= 0x36f) continue; // combining marks
    out += t.get(cp) ?? ch;
  }
  return out.normalize('NFD').toLowerCase();
}
