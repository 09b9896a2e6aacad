// Text normalisation applied before parsing (hermes-behaviour.md §3.3): ANSI escapes (CSI, OSC, 8-bit C1)
// stripped, NUL removed, NFKC (full-width → ASCII), `\`+newline joined, `$IFS` forms → space, invisible
// format characters removed so `cur\u200dl` is judged as `curl`. Everything is a single linear pass or a
// regex without nested quantifiers (issue #3: linear-time matching only).

const ESC = 0x1b;

/** Removes ANSI/VT escape sequences in one pass: CSI, OSC/DCS/APC/PM/SOS strings, 2-byte ESC forms, C1. */
export function stripAnsi(s: string): string {
  if (!hasEscapeLike(s)) return s;
  let out = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === ESC || c === 0x9b || c === 0x9d || c === 0x90 || c === 0x9f || c === 0x9e || c === 0x98) {
      let kind: number;
      let j: number;
      if (c === ESC) {
        if (i + 1 >= n) {
          i++;
          continue;
        }
        kind = s.charCodeAt(i + 1);
        j = i + 2;
      } else {
        kind = c === 0x9b ? 0x5b : c === 0x9d ? 0x5d : 0x50;
        j = i + 1;
      }
      if (kind === 0x5b) {
        // CSI: parameter and intermediate bytes, then one final byte 0x40–0x7e.
        while (j < n) {
          const d = s.charCodeAt(j);
          j++;
          if (d >= 0x40 && d <= 0x7e) break;
          if (d < 0x20 || d > 0x7e) break;
        }
      } else if (kind === 0x5d || kind === 0x50 || kind === 0x5f || kind === 0x5e || kind === 0x58) {
        // String commands end with BEL or ST (ESC \ or 0x9c).
        while (j < n) {
          const d = s.charCodeAt(j);
          if (d === 0x07 || d === 0x9c) {
            j++;
            break;
          }
          if (d === ESC && s.charCodeAt(j + 1) === 0x5c) {
            j += 2;
            break;
          }
          j++;
        }
      } else if (c === ESC && kind >= 0x20 && kind <= 0x2f) {
        j = Math.min(n, j + 1); // ESC ( B and similar charset designations
      }
      i = j;
      continue;
    }
    out += s[i];
    i++;
  }
  return out;
}

function hasEscapeLike(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === ESC || (c >= 0x80 && c <= 0x9f)) return true;
  }
  return false;
}

/** Invisible format characters: zero-width, bidi controls, soft hyphen, tags, variation selectors. */
export function isInvisibleFormat(cp: number): boolean {
  return (
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0xfeff ||
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x180e ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0000 && cp <= 0xe007f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

const IFS_RE = /\$\{IFS(?::[0-9]{1,4}(?::[0-9]{1,4})?)?\}|\$IFS(?![A-Za-z0-9_])/g;

export function normalizeCommand(raw: string): string {
  let s = stripAnsi(raw);
  let needsScan = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c >= 0x80) {
      needsScan = true;
      break;
    }
  }
  if (needsScan) {
    let out = '';
    for (const ch of s) {
      const cp = ch.codePointAt(0) ?? 0;
      if (cp === 0 || isInvisibleFormat(cp)) continue;
      out += ch;
    }
    s = out.normalize('NFKC');
  }
  if (s.includes('\\\n') || s.includes('\\\r\n')) s = s.replace(/\\\r?\n/g, '');
  if (s.includes('IFS')) s = s.replace(IFS_RE, ' ');
  return s;
}
