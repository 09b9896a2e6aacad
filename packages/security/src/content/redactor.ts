// The one secret redactor (issue #4 item 2; hermes-behaviour §9) for tool output, error text, logs,
// audit records and chat replies. One left-to-right pass of one combined regex: each alternative
// starts at a literal trigger (a vendor prefix, `-----BEGIN`, `authorization`, `bearer`, `://`, or a
// secret word followed within the same identifier by `=`/`:`) and every repetition is bounded or
// runs over a single class, so the cost stays linear on hostile input. Exact secret VALUES the
// platform knows (config, `.env`) are removed first, whatever their shape.
import { isNonSecretValue, keySegments, keyStrength, looksLikeCredential } from './secret-keys.ts';
import { VENDOR_SOURCE, vendorKind } from './secret-vendors.ts';

/** Shortest known-secret value honoured; shorter values would shred ordinary text. */
export const MIN_KNOWN_SECRET_LENGTH = 6;
/** Values never treated as known secrets (placeholders and defaults that appear in normal output). */
const COMMON_VALUES = new Set([
  'password',
  'changeme',
  'secret',
  'default',
  'localhost',
  'example',
  'undefined',
  'enabled',
  'disabled',
  'production',
  'development',
  'staging',
]);

export interface RedactorOptions {
  /** Exact secret values to remove wherever they appear (from config and `.env`). */
  readonly knownSecrets?: readonly string[];
}

export interface RedactionSpan {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

export interface Redactor {
  redact(text: string): string;
  /** Replacement spans in `text` (sorted, non-overlapping); known secrets are not included. */
  spans(text: string): RedactionSpan[];
  /** Longest known secret honoured (streaming holds back at least this much). */
  readonly longestKnownSecret: number;
  /** Known-secret values skipped as too short (< 6) or too common to redact safely. */
  readonly ignoredKnownSecrets: number;
}

export const label = (kind: string): string => `[REDACTED:${kind}]`;
/** Hermes's exact marker for a removed private-key block. */
export const PEM_LABEL = '[REDACTED PRIVATE KEY]';

const SECRET_WORDS = 'key|token|secret|pass|pw|credential|creds|auth|sig|jwt|session|cookie';
const MAIN_SOURCE = [
  `(?<pem>-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)`,
  String.raw`(?<authz>(?<![A-Za-z0-9_-])(?i:(?:proxy-)?authorization)\\?["']?[ \t]{0,4}[:=][ \t]{0,4}(?:\\?["'])?)`,
  String.raw`(?<bearer>(?<![A-Za-z0-9_-])(?i:bearer)[ \t]{1,4})(?<bearertok>[A-Za-z0-9._~+/-]{16,}=*)`,
  String.raw`(?<web>(?<![A-Za-z0-9+.-])(?i:https?|wss?)://)(?<wuser>[^\s:/?#@[\]]{1,256})(?::(?<wpass>[^\s/?#@]{1,512}))?@`,
  String.raw`(?<dsn>(?<![A-Za-z0-9+.-])(?!(?i:https?|wss?)://)[A-Za-z][A-Za-z0-9+.-]{1,30}://[^\s:/?#@[\]]{0,256}:)(?<dsnpw>[^\s@/?#]{1,512})@`,
  `(?<vendor>${VENDOR_SOURCE})`,
  String.raw`(?<tg>(?<![A-Za-z0-9_:])(?:bot)?\d{8,10}:)(?<tgsecret>[A-Za-z0-9_-]{30,})`,
  String.raw`(?<phone>(?<![\w+])\+[1-9]\d{7,14}(?!\d))`,
  String.raw`(?<flag>(?<![\w-])--(?i:password|passwd|pass|secret|client-secret|api-key|apikey|auth-token|access-token|token)[ \t]+)(?!-)(?<flagval>"[^"\n]{1,512}"|'[^'\n]{1,512}'|[^\s"']{1,512})`,
  String.raw`(?<netrc>(?<![\w-])login[ \t]+\S{1,256}[ \t]+(?:password|passwd)[ \t]+)(?<netrcval>\S{1,512})`,
  String.raw`(?<kw>(?i:${SECRET_WORDS})(?=[A-Za-z0-9_.-]{0,80}(?:\\?["'])?[ \t]{0,4}[:=]))`,
].join('|');

const AUTH_SCHEMES = new Set([
  'bearer',
  'basic',
  'token',
  'digest',
  'negotiate',
  'ntlm',
  'apikey',
  'api-key',
  'bot',
  'hawk',
  'aws4-hmac-sha256',
  'sso-key',
  'key',
  'oauth',
  'dpop',
  'mac',
  'jwt',
  'gitlab-ci-token',
]);

const isIdent = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_.-]/.test(c);
const VALUE_STOP = /[\s&,;"'`<>(){}[\]]/;

interface ValueRange {
  readonly start: number;
  readonly end: number;
}

/** Locates the value after a separator: quoted (JSON, escaped JSON, repr) or a bare run. */
function valueAt(text: string, at: number, bareToWhitespace: boolean, toLineEnd: boolean): ValueRange | null {
  const c = text[at];
  const limit = Math.min(text.length, at + 4096);
  if (c === '\\' && (text[at + 1] === '"' || text[at + 1] === "'")) {
    const delim = `\\${text[at + 1]}`;
    const end = text.indexOf(delim, at + 2);
    const nl = text.indexOf('\n', at);
    if (end < 0 || end > limit || (nl >= 0 && nl < end)) return null;
    return { start: at + 2, end };
  }
  if (c === '"' || c === "'" || c === '`') {
    let i = at + 1;
    while (i < limit && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
    return { start: at + 1, end: Math.min(i, text.length) };
  }
  let i = at;
  if (toLineEnd) {
    while (i < limit && text[i] !== '\n' && text[i] !== '\r') i++;
    while (i > at && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  } else if (bareToWhitespace) {
    while (i < limit && !/\s/.test(text[i]!)) i++;
  } else {
    while (i < limit && !VALUE_STOP.test(text[i]!)) i++;
  }
  return { start: at, end: i };
}

interface Decision {
  readonly span: RedactionSpan | null;
  readonly resumeAt: number;
}

function decideKeyValue(text: string, kwAt: number): Decision {
  let ks = kwAt;
  while (ks > 0 && kwAt - ks < 80 && isIdent(text[ks - 1])) ks--;
  let ke = kwAt;
  while (ke < text.length && ke - kwAt < 80 && isIdent(text[ke])) ke++;
  const skip = { span: null, resumeAt: ke };
  const key = text.slice(ks, ke);
  // A key starting with `$` or inside a longer expression (`$API_KEY=`, `x.y$key`) is a reference.
  if (text[ks - 1] === '$') return skip;
  let i = ke;
  if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === "'")) i += 2;
  else if (text[i] === '"' || text[i] === "'") i++;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const sep = text[i];
  if (sep !== '=' && sep !== ':') return skip;
  if (text[i + 1] === '/' && text[i + 2] === '/') return skip; // `auth://…` is a URL, not a field
  i++;
  if (sep === ':' && text[i] === '=')
    i++; // `:=`
  else if (sep === '=' && text[i] === '>')
    i++; // `=>`
  else if (sep === '=' && text[i] === '=') return skip; // `==` comparison
  const valueFrom = i;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const before = text[ks - 1];
  const formContext = before === '?' || before === '&' || before === '#' || before === ';';
  const strength = keyStrength(key, formContext);
  if (strength === 'none') return { span: null, resumeAt: valueFrom };
  const envStyle = sep === '=' && /^[A-Z0-9_]+$/.test(key) && !formContext;
  const cookie = keySegments(key).at(-1) === 'cookie';
  const v = valueAt(text, i, envStyle, cookie);
  if (!v || v.end <= v.start) return { span: null, resumeAt: valueFrom };
  const value = text.slice(v.start, v.end);
  const quoted = v.start !== i;
  if (!quoted && !envStyle && (text[v.end] === '(' || text[v.end] === '[')) return { span: null, resumeAt: valueFrom };
  if (isNonSecretValue(value)) return { span: null, resumeAt: valueFrom };
  if (!formContext && !envStyle && strength === 'strong' && !quoted && /^\d{1,4}$/.test(value) && sep === ':') {
    return { span: null, resumeAt: valueFrom }; // `pass: 3` style counters in YAML
  }
  if (strength === 'weak' && !looksLikeCredential(value)) return { span: null, resumeAt: valueFrom };
  return { span: { start: v.start, end: v.end, replacement: '***' }, resumeAt: v.end };
}

function decideAuthorization(text: string, prefixEnd: number, matchStart: number): Decision {
  let i = prefixEnd;
  const lineEnd = (() => {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl;
  })();
  const quote = text[prefixEnd - 1] === '"' || text[prefixEnd - 1] === "'" ? text[prefixEnd - 1] : null;
  const schemeMatch = /^([A-Za-z][A-Za-z0-9-]{0,20})([ \t]+)/.exec(text.slice(i, Math.min(lineEnd, i + 40)));
  let keepScheme = false;
  if (schemeMatch && AUTH_SCHEMES.has(schemeMatch[1]!.toLowerCase())) {
    i += schemeMatch[0].length;
    keepScheme = true;
  }
  let end = i;
  const multiParam = keepScheme && /^(?:digest|aws4-hmac-sha256|hawk|mac|oauth)$/i.test(schemeMatch![1]!);
  while (end < lineEnd && (multiParam ? text[end] !== quote : !/[\s"',;]/.test(text[end]!))) end++;
  while (multiParam && end > i && /[ \t\r]/.test(text[end - 1]!)) end--;
  if (end <= i) return { span: null, resumeAt: prefixEnd };
  const cred = text.slice(i, end);
  if (isNonSecretValue(cred)) return { span: null, resumeAt: end };
  if (!keepScheme && !quote && (cred.length < 8 || /^[a-z]+$/.test(cred))) return { span: null, resumeAt: prefixEnd };
  void matchStart;
  return { span: { start: i, end, replacement: '***' }, resumeAt: end };
}

/**
 * Web URL userinfo (hermes §9): `user:pass@` passes through (OAuth callbacks, magic links), except a
 * credential-shaped password (16+ chars, letters and digits) or a bare token user (`https://TOKEN@`).
 */
function decideWebUserinfo(userAt: number, user: string, pass: string | undefined): Decision {
  if (pass === undefined) {
    if (user.length >= 8 && (/\d/.test(user) || user.length >= 20) && looksLikeCredential(user)) {
      return { span: { start: userAt, end: userAt + user.length, replacement: '***' }, resumeAt: 0 };
    }
    return { span: null, resumeAt: userAt };
  }
  const passAt = userAt + user.length + 1;
  if (pass.length >= 16 && looksLikeCredential(pass) && !isNonSecretValue(pass)) {
    return { span: { start: passAt, end: passAt + pass.length, replacement: '***' }, resumeAt: 0 };
  }
  return { span: null, resumeAt: passAt };
}

/** `--password VALUE` style CLI flags (space-separated; `--password=` is a key=value field). */
function decideFlag(text: string, valueAt: number, flag: string, raw: string): Decision {
  const quoted = raw[0] === '"' || raw[0] === "'";
  const start = quoted ? valueAt + 1 : valueAt;
  const value = quoted ? raw.slice(1, -1) : raw;
  const weak = /^--token\b/i.test(flag);
  if (isNonSecretValue(value) || (weak && !looksLikeCredential(value))) return { span: null, resumeAt: valueAt };
  void text;
  return { span: { start, end: start + value.length, replacement: '***' }, resumeAt: 0 };
}

function pemEnd(text: string, from: number): number {
  const endMarker = text.indexOf('-----END', from);
  if (endMarker < 0) return text.length; // unterminated: everything after BEGIN is key material
  const close = text.indexOf('-----', endMarker + 8);
  return close < 0 ? text.length : close + 5;
}

/** Replacement spans for the pattern pass (no known secrets). */
const MAIN_RE = new RegExp(MAIN_SOURCE, 'g');

export function patternSpans(text: string): RedactionSpan[] {
  const re = MAIN_RE; // shared: the loop below never yields, so no caller can interleave
  re.lastIndex = 0;
  const spans: RedactionSpan[] = [];
  let m: RegExpExecArray | null = re.exec(text);
  while (m !== null) {
    const g = m.groups!;
    const at = m.index;
    let d: Decision;
    if (g.pem !== undefined) {
      d = { span: { start: at, end: pemEnd(text, at + m[0].length), replacement: PEM_LABEL }, resumeAt: 0 };
    } else if (g.authz !== undefined) {
      d = decideAuthorization(text, at + m[0].length, at);
    } else if (g.bearer !== undefined) {
      const tok = g.bearertok!;
      const start = at + g.bearer.length;
      d =
        /\d/.test(tok) || tok.length >= 24
          ? { span: { start, end: start + tok.length, replacement: '***' }, resumeAt: 0 }
          : { span: null, resumeAt: start };
    } else if (g.web !== undefined) {
      d = decideWebUserinfo(at + g.web.length, g.wuser!, g.wpass);
    } else if (g.dsn !== undefined) {
      const start = at + g.dsn.length;
      d = { span: { start, end: start + g.dsnpw!.length, replacement: '***' }, resumeAt: 0 };
    } else if (g.flag !== undefined) {
      d = decideFlag(text, at + g.flag.length, g.flag, g.flagval!);
    } else if (g.netrc !== undefined) {
      const start = at + g.netrc.length;
      const v = g.netrcval!;
      d = isNonSecretValue(v)
        ? { span: null, resumeAt: start }
        : { span: { start, end: start + v.length, replacement: '***' }, resumeAt: 0 };
    } else if (g.vendor !== undefined) {
      d = { span: { start: at, end: at + m[0].length, replacement: label(vendorKind(m[0])) }, resumeAt: 0 };
    } else if (g.tg !== undefined) {
      // hermes §9: the bot id stays (`<id>:***`), the secret half goes.
      const start = at + g.tg.length;
      d = { span: { start, end: start + g.tgsecret!.length, replacement: '***' }, resumeAt: 0 };
    } else if (g.phone !== undefined) {
      d = { span: { start: at, end: at + m[0].length, replacement: label('phone') }, resumeAt: 0 };
    } else {
      d = decideKeyValue(text, at);
    }
    if (d.span) {
      spans.push(d.span);
      re.lastIndex = Math.max(d.span.end, at + 1);
    } else {
      re.lastIndex = Math.max(d.resumeAt, at + 1);
    }
    m = re.exec(text);
  }
  return spans;
}

function applySpans(text: string, spans: readonly RedactionSpan[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let last = 0;
  for (const s of spans) {
    out += text.slice(last, s.start) + s.replacement;
    last = s.end;
  }
  return out + text.slice(last);
}

/** Builds a redactor. Known secrets shorter than 6 characters or common words are ignored (counted). */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  let ignored = 0;
  const known: string[] = [];
  for (const raw of options.knownSecrets ?? []) {
    for (const value of new Set([raw, raw.trim(), raw.replace(/\r?\n/g, '')])) {
      if (value.length < MIN_KNOWN_SECRET_LENGTH || COMMON_VALUES.has(value.toLowerCase())) {
        if (value === raw) ignored++;
        continue;
      }
      if (!known.includes(value)) known.push(value);
    }
  }
  known.sort((a, b) => b.length - a.length); // longest first: a substring never shadows its superstring
  const knownLabel = label('known_secret');
  const removeKnown = (text: string): string => {
    let out = text;
    for (const k of known) if (out.includes(k)) out = out.split(k).join(knownLabel);
    return out;
  };
  return Object.freeze({
    redact(text: string): string {
      const pre = known.length > 0 ? removeKnown(text) : text;
      return applySpans(pre, patternSpans(pre));
    },
    spans: patternSpans,
    longestKnownSecret: known[0]?.length ?? 0,
    ignoredKnownSecrets: ignored,
  });
}
