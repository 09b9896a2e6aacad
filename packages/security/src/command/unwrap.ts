// Launcher unwrapping (issue #3 item 1): the command that really runs behind sudo/env/nohup/… is what the
// rules judge. Bounded to MAX_WRAPPERS peels (Tirith's own bound is 32, reference/tirith.md §1.6).
import type { Word } from './word.ts';

export const MAX_WRAPPERS = 32;

export interface Unwrapped {
  readonly words: readonly Word[];
  readonly wrappers: readonly (readonly string[])[];
  /** xargs / find -exec append operands that are not visible here. */
  readonly extraArgs: boolean;
  /** More than MAX_WRAPPERS launchers: the sink could not be reached. */
  readonly tooDeep: boolean;
}

/** Basename, lower-cased, `.exe` dropped: `/usr/bin/RM` → `rm`, `C:\Git\bin\bash.exe` → `bash`. */
export function commandBase(name: string): string {
  let s = name;
  const slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  if (slash >= 0 && slash < s.length - 1) s = s.slice(slash + 1);
  s = s.toLowerCase();
  if (s.endsWith('.exe')) s = s.slice(0, -4);
  return s;
}

type Peeler = (w: readonly Word[]) => { rest: number; extra?: boolean; split?: readonly Word[] } | null;

/** Skips option words; `withArg` lists short options that consume the next word (or their glued rest). */
function skipOptions(
  w: readonly Word[],
  start: number,
  withArg: string,
  longWithArg: readonly string[] = [],
  stopAtFirstOperand = true,
): number {
  let i = start;
  while (i < w.length) {
    const t = (w[i] as Word).text;
    if (t === '--') return i + 1;
    if (t.length < 2 || t[0] !== '-') break;
    if (t.startsWith('--')) {
      const name = t.slice(2).split('=')[0] as string;
      i += !t.includes('=') && longWithArg.includes(name) ? 2 : 1;
      continue;
    }
    // Bundled short flags: the first one that takes an argument eats the rest or the next word.
    let consumed = 1;
    for (let k = 1; k < t.length; k++) {
      if (withArg.includes(t[k] as string)) {
        if (k === t.length - 1) consumed = 2;
        break;
      }
    }
    i += consumed;
  }
  if (!stopAtFirstOperand) return i;
  return i;
}

const ASSIGN_RE = /^[A-Za-z_][A-Za-z0-9_]*=/;

function skipAssignments(w: readonly Word[], i: number): number {
  while (i < w.length && ASSIGN_RE.test((w[i] as Word).text)) i++;
  return i;
}

/** Naive word split used for `env -S` strings (quotes are honoured, no expansions). */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      q = c;
      has = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else {
      cur += c;
      has = true;
    }
    if (out.length > 4096) break;
  }
  if (has || cur) out.push(cur);
  return out;
}

const PEELERS: Record<string, Peeler> = {
  sudo: (w) => {
    let i = 1;
    while (i < w.length) {
      const t = (w[i] as Word).text;
      if (t === '--') {
        i++;
        break;
      }
      if (t[0] !== '-' || t.length < 2) break;
      if (t.startsWith('--')) {
        const name = t.slice(2).split('=')[0] as string;
        const takes = [
          'user',
          'group',
          'host',
          'prompt',
          'close-from',
          'chdir',
          'role',
          'type',
          'other-user',
          'command-timeout',
          'chroot',
        ];
        i += !t.includes('=') && takes.includes(name) ? 2 : 1;
        continue;
      }
      let consumed = 1;
      for (let k = 1; k < t.length; k++) {
        if ('ugpChDrtTUR'.includes(t[k] as string)) {
          if (k === t.length - 1) consumed = 2;
          break;
        }
      }
      i += consumed;
    }
    i = skipAssignments(w, i);
    return { rest: i };
  },
  doas: (w) => ({ rest: skipOptions(w, 1, 'uC') }),
  pkexec: (w) => ({ rest: skipOptions(w, 1, '', ['user']) }),
  run0: (w) => ({ rest: skipOptions(w, 1, 'uDg', ['user', 'chdir', 'setenv']) }),
  env: (w) => {
    let i = 1;
    while (i < w.length) {
      const t = (w[i] as Word).text;
      if (t === '--') {
        i++;
        break;
      }
      if (
        t === '-S' ||
        t === '--split-string' ||
        t.startsWith('--split-string=') ||
        (t.startsWith('-S') && t.length > 2)
      ) {
        const body =
          t === '-S' || t === '--split-string' ? (w[i + 1]?.text ?? '') : t.startsWith('-S') ? t.slice(2) : t.slice(15);
        const next = t === '-S' || t === '--split-string' ? i + 2 : i + 1;
        const split = splitWords(body.slice(0, 65536)).map((text) => ({ ...(w[i] as Word), text, raw: text }));
        return { rest: next, split };
      }
      if (ASSIGN_RE.test(t)) {
        i++;
        continue;
      }
      if (t[0] !== '-' || t.length < 2) break;
      if (t.startsWith('--')) {
        const name = t.slice(2).split('=')[0] as string;
        i +=
          !t.includes('=') && ['unset', 'chdir', 'default-signal', 'ignore-signal', 'block-signal'].includes(name)
            ? 2
            : 1;
        continue;
      }
      i += /[uCP]$/.test(t) ? 2 : 1;
    }
    return { rest: i };
  },
  command: (w) => {
    const first = w[1]?.text ?? '';
    // `command -v|-V x` only looks the name up: nothing runs (corpus hc-0571).
    if (/^-[pvV]*[vV]/.test(first)) return null;
    return { rest: skipOptions(w, 1, '') };
  },
  builtin: (w) => ({ rest: skipOptions(w, 1, '') }),
  exec: (w) => ({ rest: skipOptions(w, 1, 'a') }),
  nohup: (w) => ({ rest: skipOptions(w, 1, '') }),
  setsid: (w) => ({ rest: skipOptions(w, 1, '') }),
  time: (w) => ({ rest: skipOptions(w, 1, 'fo', ['format', 'output']) }),
  nice: (w) => {
    const t = w[1]?.text ?? '';
    if (/^-[0-9]+$/.test(t)) return { rest: 2 };
    return { rest: skipOptions(w, 1, 'n', ['adjustment']) };
  },
  ionice: (w) => {
    if (w.some((x) => x.text === '-p' || x.text === '-P' || x.text === '-u')) return null;
    return { rest: skipOptions(w, 1, 'cnt', ['class', 'classdata']) };
  },
  chrt: (w) => {
    if (w.some((x) => x.text === '-p' || x.text === '--pid')) return null;
    const i = skipOptions(w, 1, 'T');
    return { rest: i + 1 }; // priority operand
  },
  taskset: (w) => {
    if (w.some((x) => /^-[a-z]*p/.test(x.text) || x.text === '--pid')) return null;
    const i = skipOptions(w, 1, '');
    return { rest: i + 1 }; // mask operand
  },
  stdbuf: (w) => ({ rest: skipOptions(w, 1, 'ioe', ['input', 'output', 'error']) }),
  timeout: (w) => {
    const i = skipOptions(w, 1, 'sk', ['signal', 'kill-after']);
    return { rest: i + 1 }; // duration operand
  },
  unbuffer: (w) => ({ rest: skipOptions(w, 1, '') }),
  torsocks: (w) => ({ rest: skipOptions(w, 1, '') }),
  proxychains: (w) => ({ rest: skipOptions(w, 1, 'f') }),
  proxychains4: (w) => ({ rest: skipOptions(w, 1, 'f') }),
  flock: (w) => {
    const i = skipOptions(w, 1, 'wEc');
    return { rest: i + 1 };
  },
  caffeinate: (w) => ({ rest: skipOptions(w, 1, 'tw') }),
  busybox: () => ({ rest: 1 }),
  toybox: () => ({ rest: 1 }),
  xargs: (w) => {
    const i = skipOptions(w, 1, 'IdnPLsEa', [
      'delimiter',
      'max-args',
      'max-procs',
      'max-lines',
      'max-chars',
      'eof',
      'arg-file',
      'replace',
    ]);
    return { rest: i, extra: true };
  },
};

/**
 * Peels launchers off `words` until a real command is reached. `xargs` with no command runs `echo`.
 * Returns the inner words, the peeled wrappers and whether operands are supplied at run time.
 */
export function unwrap(words: readonly Word[]): Unwrapped {
  let w = words;
  const wrappers: string[][] = [];
  let extra = false;
  for (let n = 0; n <= MAX_WRAPPERS; n++) {
    if (w.length === 0) break;
    const head = w[0] as Word;
    if (head.dynamic) break;
    const base = commandBase(head.text);
    const peel = PEELERS[base];
    if (!peel) break;
    const r = peel(w);
    if (!r) break;
    if (n === MAX_WRAPPERS) return { words: w, wrappers, extraArgs: extra, tooDeep: true };
    wrappers.push(w.slice(0, r.rest).map((x) => x.text));
    if (r.extra) extra = true;
    const rest = w.slice(r.rest);
    w = r.split ? [...r.split, ...rest] : rest;
  }
  return { words: w, wrappers, extraArgs: extra, tooDeep: false };
}
