// Byte-level scans of the raw command text (reference/tirith.md §4 "Terminal / invisible Unicode" and
// "Credentials"): one pass over code points, then a few anchored token regexes without nested quantifiers.
import { tirith } from '../rules/finding.ts';
import type { Finding } from '../types.ts';
import { confusableOf } from './confusables.ts';

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
const JOINING =
  /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Mongolian}\p{Extended_Pictographic}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const CYR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

export function textScan(raw: string, out: Finding[]): void {
  let hasHigh = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x80 || (c < 0x20 && c !== 0x0a && c !== 0x09) || c === 0x7f) {
      hasHigh = true;
    }
  }
  if (!hasHigh) {
    credentialScan(raw, out);
    return;
  }
  const seen = new Set<string>();
  const add = (rule: string, sev: Finding['severity'], title: string, desc: string, ev: string) => {
    if (seen.has(rule)) return;
    seen.add(rule);
    out.push(tirith(rule, sev, title, desc, ev));
  };
  const cps = Array.from(raw);
  let offset = 0;
  let otherwiseAscii = true;
  for (const ch of cps) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x80 && !isInvisibleLike(cp)) otherwiseAscii = false;
  }
  for (let k = 0; k < cps.length; k++) {
    const ch = cps[k] as string;
    const cp = ch.codePointAt(0) ?? 0;
    const prev = cps[k - 1] ?? '';
    const next = cps[k + 1] ?? '';
    if (cp === 0x1b) {
      const n = next;
      if (n === '[' || n === ']' || n === '_' || n === 'P' || n === '')
        add(
          'ansi_escapes',
          'high',
          'Terminal escape sequence',
          'ANSI/OSC escapes can rewrite what the terminal shows',
          `ESC${n}`,
        );
      else add('control_chars', 'high', 'Control character', 'A control character hides or rewrites text', hex(cp));
    } else if ((cp < 0x20 && cp !== 0x0a && cp !== 0x09 && cp !== 0x0d) || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
      add('control_chars', 'high', 'Control character', 'A control character hides or rewrites text', hex(cp));
    } else if (cp === 0x0d && next !== '\n' && next !== '') {
      add(
        'control_chars',
        'high',
        'Carriage return mid-line',
        'A bare CR lets later text overwrite what the terminal shows',
        hex(cp),
      );
    } else if (cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
      add(
        'bidi_controls',
        'critical',
        'Bidirectional control character',
        'Bidi overrides make the shown text differ from what runs',
        hex(cp),
      );
    } else if (
      cp === 0x200b ||
      cp === 0x200c ||
      cp === 0x200d ||
      (cp === 0xfeff && offset > 0) ||
      cp === 0x034f ||
      cp === 0x00ad ||
      cp === 0x2060 ||
      cp === 0x180e
    ) {
      const joinerOk = (cp === 0x200c || cp === 0x200d) && JOINING.test(prev) && JOINING.test(next);
      if (!joinerOk)
        add(
          'zero_width_chars',
          otherwiseAscii ? 'critical' : 'high',
          'Zero-width character',
          'An invisible character splits a word the reader sees as one',
          hex(cp),
        );
    } else if (cp >= 0xe0000 && cp <= 0xe007f) {
      add('unicode_tags', 'critical', 'Unicode tag characters', 'Tag characters carry hidden ASCII text', hex(cp));
    } else if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) {
      if (LETTER_OR_DIGIT.test(prev))
        add(
          'variation_selector',
          'medium',
          'Variation selector',
          'A variation selector after a letter hides data',
          hex(cp),
        );
    } else if (cp >= 0x2061 && cp <= 0x2064) {
      add('invisible_math_operator', 'medium', 'Invisible math operator', 'An invisible operator character', hex(cp));
    } else if ((cp >= 0x2000 && cp <= 0x200a) || cp === 0x205f) {
      add('invisible_whitespace', 'medium', 'Unusual whitespace', 'A look-alike space character', hex(cp));
    } else if (cp === 0x3164 || cp === 0x115f || cp === 0x1160) {
      add('hangul_filler', 'medium', 'Hangul filler', 'An invisible filler character', hex(cp));
    } else if (cp >= 0x1d400 && cp <= 0x1d7ff) {
      add('confusable_text', 'high', 'Look-alike letters', 'Mathematical letters that render like ASCII', hex(cp));
    }
    offset += ch.length;
  }
  // Cyrillic/Greek look-alikes inside an otherwise Latin word (`gіthub`); pure Cyrillic prose is fine.
  for (const m of raw.matchAll(/\p{L}+/gu)) {
    const w = m[0];
    if (!CYR_GREEK.test(w) || !/[A-Za-z]/.test(w)) continue;
    for (const ch of w) {
      if (CYR_GREEK.test(ch) && confusableOf(ch.codePointAt(0) ?? 0)) {
        add('confusable_text', 'high', 'Look-alike letters', 'A Cyrillic or Greek letter hides inside a Latin word', w);
        break;
      }
    }
  }
  credentialScan(raw, out);
}

function isInvisibleLike(cp: number): boolean {
  return (
    (cp >= 0x200b && cp <= 0x200f) ||
    cp === 0xfeff ||
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x2060 ||
    cp === 0x180e ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069)
  );
}

// Well-known token shapes (formats published by each vendor; cf. gitleaks, MIT). Each starts with a
// literal prefix and has a single bounded character class: linear time.
const TOKENS: readonly [string, RegExp][] = [
  ['AWS access key', /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/],
  ['GitHub fine-grained token', /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/],
  ['GitLab token', /\bglpat-[A-Za-z0-9_-]{20,64}\b/],
  ['Anthropic key', /\bsk-ant-[A-Za-z0-9_-]{32,255}\b/],
  ['OpenAI key', /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,255}\b/],
  ['Hugging Face token', /\bhf_[A-Za-z0-9]{30,64}\b/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,255}\b/],
  ['SendGrid key', /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/],
  ['Stripe key', /\b(?:sk|rk)_live_[A-Za-z0-9]{20,255}\b/],
  ['npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['PyPI token', /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}\b/],
  ['Twilio key', /\bSK[0-9a-f]{32}\b/],
  ['age secret key', /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/],
];

function credentialScan(raw: string, out: Finding[]): void {
  if (raw.includes('-----BEGIN') && /-----BEGIN (?:[A-Z]{1,10} ){0,3}PRIVATE KEY(?: BLOCK)?-----/.test(raw)) {
    out.push(
      tirith(
        'private_key_exposed',
        'critical',
        'Private key in the command',
        'A private key block is on the command line',
        '-----BEGIN … PRIVATE KEY-----',
      ),
    );
  }
  for (const [name, re] of TOKENS) {
    const m = re.exec(raw);
    if (m) {
      out.push(
        tirith(
          'credential_in_text',
          'high',
          'Credential in the command',
          `${name} on the command line ends up in logs and process lists`,
          `${m[0].slice(0, 6)}…[REDACTED]`,
          'Read the secret from a file or an environment variable',
        ),
      );
      return;
    }
  }
}
