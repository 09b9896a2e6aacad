// A shell word after quote removal, with what static analysis could not know about it.

export interface Word {
  /** Decoded text: quotes removed, escapes applied; unresolved expansions kept verbatim (`$HOME`). */
  readonly text: string;
  /** Contains an expansion whose value is unknown (`$X`, `${X}`, `$(…)` that is not a plain echo). */
  readonly dynamic: boolean;
  /** Some part was quoted (globbing/brace expansion does not apply to it). */
  readonly quoted: boolean;
  /** Contains a process substitution `<(…)` / `>(…)`. */
  readonly procSubst: boolean;
  /** Source text of the word, before decoding. */
  readonly raw: string;
}

export function literalWord(text: string): Word {
  return { text, dynamic: false, quoted: false, procSubst: false, raw: text };
}

/** Removes backslash escapes of an unquoted word (`r\m` → `rm`). */
export function unescapeBare(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      out += s[i + 1];
      i++;
    } else out += c;
  }
  return out;
}

/** Inside double quotes only `\$ \` \" \\` and `\<newline>` are escapes (bash(1) QUOTING). */
export function unescapeDouble(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const d = s[i + 1];
    if (c === '\\' && (d === '$' || d === '`' || d === '"' || d === '\\')) {
      out += d;
      i++;
    } else if (c === '\\' && d === '\n') i++;
    else out += c;
  }
  return out;
}

const SIMPLE_ESC: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

/** Decodes the body of `$'…'` (bash ANSI-C quoting): `\xHH`, octal, `\uHHHH`, `\UHHHHHHHH`, `\cX`, C escapes. */
export function decodeAnsiC(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const d = body[i + 1] as string;
    const simple = SIMPLE_ESC[d];
    if (simple !== undefined) {
      out += simple;
      i++;
    } else if (d === 'x' || d === 'u' || d === 'U') {
      const max = d === 'x' ? 2 : d === 'u' ? 4 : 8;
      let j = i + 2;
      let hex = '';
      while (j < body.length && hex.length < max && isHex(body[j])) hex += body[j++];
      if (hex) {
        const cp = Number.parseInt(hex, 16);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
        i = j - 1;
      } else {
        out += `\\${d}`;
        i++;
      }
    } else if (d >= '0' && d <= '7') {
      let j = i + 1;
      let oct = '';
      while (j < body.length && oct.length < 3 && (body[j] as string) >= '0' && (body[j] as string) <= '7')
        oct += body[j++];
      out += String.fromCharCode(Number.parseInt(oct, 8) & 0xff);
      i = j - 1;
    } else if (d === 'c' && i + 2 < body.length) {
      out += String.fromCharCode((body.charCodeAt(i + 2) & 0x1f) >>> 0);
      i += 2;
    } else {
      out += `\\${d}`;
      i++;
    }
  }
  return out;
}

/**
 * Bash brace expansion of an unquoted word (`-{delete,print}` → `-delete -print`), bounded to 64 results.
 * Only comma lists are expanded; sequences (`{1..9}`) and nested braces are left alone (no command name
 * can hide in a numeric range).
 */
export function braceExpand(text: string): string[] {
  const open = text.indexOf('{');
  if (open < 0) return [text];
  let depth = 0;
  let close = -1;
  const commas: number[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (close < 0 || commas.length === 0) return [text];
  const pre = text.slice(0, open);
  const post = text.slice(close + 1);
  const parts: string[] = [];
  let last = open + 1;
  for (const c of commas) {
    parts.push(text.slice(last, c));
    last = c + 1;
  }
  parts.push(text.slice(last, close));
  const out: string[] = [];
  for (const p of parts) {
    for (const tail of braceExpand(post)) {
      out.push(pre + p + tail);
      if (out.length >= 64) return out;
    }
  }
  return out;
}
