// Inline interpreter code (`python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r`, `bun -e`, `deno eval`):
// where the body lives, whether it is provably inert, and which shell strings it hands to a spawner.
import { commandBase } from './unwrap.ts';

export interface InlineCode {
  readonly lang: 'python' | 'node' | 'perl' | 'ruby' | 'php' | 'lua' | 'powershell';
  readonly flag: string;
  readonly code: string;
}

const PY = /^python[0-9.]*$|^pypy[0-9.]*$/;

function langOf(base: string): InlineCode['lang'] | null {
  if (PY.test(base)) return 'python';
  if (base === 'node' || base === 'nodejs' || base === 'bun' || base === 'deno') return 'node';
  if (base === 'perl' || /^perl[0-9.]+$/.test(base)) return 'perl';
  if (base === 'ruby' || base === 'irb') return 'ruby';
  if (base === 'php' || /^php[0-9.]+$/.test(base)) return 'php';
  if (base === 'lua' || /^lua[0-9.]+$/.test(base) || base === 'luajit') return 'lua';
  if (base === 'powershell' || base === 'pwsh') return 'powershell';
  return null;
}

/** Finds the inline program of an interpreter invocation; null when the interpreter runs a file or stdin. */
export function findInlineCode(argv: readonly string[]): InlineCode | null {
  const base = commandBase(argv[0] ?? '');
  const lang = langOf(base);
  if (!lang) return null;
  if (base === 'deno' && argv[1] === 'eval') return { lang, flag: 'eval', code: argv.slice(2).join(' ') };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    const lower = a.toLowerCase();
    let hit = false;
    if (lang === 'python') hit = a === '-c' || (/^-[a-zA-Z]*c$/.test(a) && !a.startsWith('--'));
    else if (lang === 'node') hit = a === '-e' || a === '--eval' || a === '-p' || a === '--print' || a === '-pe';
    else if (lang === 'perl' || lang === 'ruby') hit = /^-[a-zA-Z]*[eE]$/.test(a);
    else if (lang === 'php') hit = a === '-r';
    else if (lang === 'lua') hit = a === '-e';
    else if (lang === 'powershell') hit = ['-c', '-command', '-com', '-comm', '-comma', '-comman'].includes(lower);
    if (hit) return { lang, flag: a, code: argv.slice(i + 1, lang === 'powershell' ? undefined : i + 2).join(' ') };
    if (lang === 'python' && !a.startsWith('-')) return null; // script file: python script.py -c … is its own argv
    if (lang === 'python' && a === '-m') return null;
    if (lang === 'node' && !a.startsWith('-')) return null;
    if ((lang === 'node' || lang === 'python') && a.startsWith('--') && a.includes('=') === false && a !== '--')
      continue;
  }
  return null;
}

/**
 * Inert = the program only prints numeric constant expressions: `print(1)`, `console.log(1+1)`, `echo 1;`.
 * Anything else (a call, an import, a name) is judged as code that may do anything. Hermes asks for every
 * inline program; we let this provably side-effect-free shape through (Hermes's own guardian prompt cites
 * `python -c "print('hello')"` as its typical false positive, hermes-behaviour.md §5.1).
 */
export function isInertCode(lang: InlineCode['lang'], code: string): boolean {
  const body = code.trim().replace(/;+\s*$/, '');
  if (body.length === 0) return true;
  if (body.length > 200) return false;
  // Numbers only: printed strings are how inline code hands text onward (to a file, a pipe, a config),
  // so a string-printing program is judged like any other program.
  const lit = String.raw`(?:-?[0-9]+(?:\.[0-9]+)?)`;
  const expr = String.raw`${lit}(?:\s*[-+*/%,]\s*${lit}){0,8}`;
  const call = (fn: string) => new RegExp(String.raw`^${fn}\s*\(\s*(?:${expr})?\s*\)$`);
  const kw = (fn: string) => new RegExp(String.raw`^${fn}\s+${expr}$`);
  const stmts = body.split(';').map((x) => x.trim());
  if (stmts.length > 4) return false;
  return stmts.every((st) => {
    if (st === '') return true;
    switch (lang) {
      case 'python':
        return call('print').test(st);
      case 'node':
        return call('console\\.log').test(st) || new RegExp(`^${expr}$`).test(st);
      case 'ruby':
        return call('(?:puts|print|p)').test(st) || kw('(?:puts|print|p)').test(st);
      case 'perl':
        return call('(?:print|say)').test(st) || kw('(?:print|say)').test(st);
      case 'php':
        return kw('(?:echo|print)').test(st) || call('(?:echo|print)').test(st);
      case 'lua':
        return call('print').test(st);
      default:
        return false;
    }
  });
}

const SPAWN_RE =
  /\b(?:os\.system|os\.popen|os\.exec[lv]p?e?|subprocess|popen|Popen|check_output|check_call|execSync|execFileSync|spawnSync|spawn|child_process|system|exec|shell_exec|passthru|proc_open|IO\.popen|Kernel\.exec|Runtime|pty\.spawn|commands\.getoutput)\b|`[^`]+`/;
const DELETE_RE =
  /\b(?:rmSync|rmdirSync|unlinkSync|rmtree|os\.remove|os\.unlink|os\.rmdir|unlink|rmdir|FileUtils\.rm_rf|rm_rf|remove_dir_all|shutil)\b/;
const DECODE_EXEC_RE =
  /\b(?:b64decode|b32decode|a85decode|atob|decode_base64|base64_decode|unpack1?\s*\(\s*['"]m|Buffer\.from\s*\([^)]*['"]base64['"]|codecs\.decode)\b/;
const EVAL_RE = /\b(?:exec|eval|compile|Function|system|spawn)\s*\(/;
const NET_RE =
  /\b(?:socket|urllib|requests\.|http\.client|httplib|fetch\s*\(|https?\.get|https?\.request|XMLHttpRequest|Net::HTTP|open-uri|IO::Socket|fsockopen|curl_exec|LWP)\b/;

export interface InlineTraits {
  readonly spawns: boolean;
  readonly deletes: boolean;
  readonly decodeExec: boolean;
  readonly network: boolean;
}

export function inlineTraits(code: string): InlineTraits {
  const c = code.length > 65536 ? code.slice(0, 65536) : code;
  return {
    spawns: SPAWN_RE.test(c),
    deletes: DELETE_RE.test(c),
    decodeExec: DECODE_EXEC_RE.test(c) && EVAL_RE.test(c),
    network: NET_RE.test(c),
  };
}

/** String literals of a program (quote-aware linear scan), used to re-scan what it hands to a shell. */
export function stringLiterals(code: string, max = 32): string[] {
  const out: string[] = [];
  const n = Math.min(code.length, 65536);
  for (let i = 0; i < n && out.length < max; i++) {
    const q = code[i];
    if (q !== '"' && q !== "'" && q !== '`') continue;
    let j = i + 1;
    let s = '';
    while (j < n && code[j] !== q) {
      if (code[j] === '\\' && j + 1 < n) {
        s += code[j + 1];
        j += 2;
        continue;
      }
      s += code[j];
      j++;
    }
    if (s.length >= 2) out.push(s);
    i = j;
  }
  return out;
}
