// Streaming wrapper around the redactor (issue #4 item 2: "a secret split across two output chunks
// is still caught"). Every pattern but PEM blocks stays within one line, so complete lines are
// emitted and the partial last line is held back. Held text is bounded: a line longer than
// `maxLineHold` is cut at a point no match covers, keeping a tail long enough for any token to
// finish; an unterminated private-key block is swallowed until its END line.
import { PEM_LABEL, type Redactor } from './redactor.ts';

export interface StreamRedactor {
  /** Adds a chunk; returns the redacted text that is now safe to emit (possibly empty). */
  push(chunk: string): string;
  /** Ends the stream; returns the redacted remainder. */
  flush(): string;
}

export interface StreamRedactorOptions {
  /** Longest partial line held back before a forced cut (default 64 KiB). */
  readonly maxLineHold?: number;
}

const TAIL_KEEP = 1024;
const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;

export function createStreamRedactor(redactor: Redactor, options: StreamRedactorOptions = {}): StreamRedactor {
  const maxLineHold = Math.max(options.maxLineHold ?? 65_536, 4 * TAIL_KEEP);
  const keep = Math.max(TAIL_KEEP, redactor.longestKnownSecret);
  let buffer = '';
  let inPem = false;

  /** Index of an unterminated PEM BEGIN in `text`, or -1. */
  const openPem = (text: string): number => {
    PEM_BEGIN.lastIndex = 0;
    let open = -1;
    for (let m = PEM_BEGIN.exec(text); m !== null; m = PEM_BEGIN.exec(text)) {
      open = text.indexOf('-----END', m.index + m[0].length) < 0 ? m.index : -1;
      if (open >= 0) break;
    }
    return open;
  };

  const forcedCut = (text: string): number => {
    let p = text.length - keep;
    const spans = redactor.spans(text);
    for (let k = spans.length - 1; k >= 0; k--) {
      const s = spans[k]!;
      if (s.start < p && p < s.end) p = s.start; // never cut inside a match
    }
    const ws = text.slice(Math.max(0, p - 256), p).search(/\s[^\s]*$/);
    if (ws >= 0) p = Math.max(0, p - 256) + ws + 1;
    const c = text.charCodeAt(p - 1);
    if (c >= 0xd800 && c <= 0xdbff) p--;
    return p;
  };

  const drain = (): string => {
    let out = '';
    if (inPem) {
      const end = buffer.indexOf('-----END');
      if (end < 0) {
        buffer = buffer.slice(Math.max(0, buffer.length - 64)); // keep a tail in case the marker is split
        return '';
      }
      const close = buffer.indexOf('-----', end + 8);
      if (close < 0) return '';
      buffer = buffer.slice(close + 5);
      inPem = false;
    }
    let cut = buffer.lastIndexOf('\n') + 1;
    const pem = openPem(buffer.slice(0, cut));
    if (pem >= 0) cut = pem;
    if (cut === 0 && buffer.length > maxLineHold) {
      const pemAnywhere = openPem(buffer);
      if (pemAnywhere >= 0) {
        out = redactor.redact(buffer.slice(0, pemAnywhere)) + PEM_LABEL;
        buffer = buffer.slice(pemAnywhere);
        inPem = true;
        buffer = '';
        return out;
      }
      cut = forcedCut(buffer);
    }
    if (cut === 0) return '';
    out = redactor.redact(buffer.slice(0, cut));
    buffer = buffer.slice(cut);
    return out;
  };

  return {
    push(chunk: string): string {
      buffer += chunk;
      return drain();
    },
    flush(): string {
      if (inPem) {
        buffer = '';
        inPem = false;
        return '';
      }
      const out = redactor.redact(buffer);
      buffer = '';
      return out;
    },
  };
}
