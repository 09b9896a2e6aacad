// Website blocklist (issue #4 item 4; hermes-behaviour §11). Pure: shared rule files are read by the
// caller and handed in as text, so a missing file is the caller's warning, never a failure here.

export interface WebsiteRule {
  /** Normalised rule: lowercase host, no trailing dot, no leading `www.`, maybe `*` wildcards. */
  readonly pattern: string;
  /** The rule as written in config or the file (the message reports the normalised pattern). */
  readonly rule: string;
  /** `config` or the shared file's path. */
  readonly source: string;
}

export interface WebsiteBlocklist {
  readonly enabled: boolean;
  readonly rules: readonly WebsiteRule[];
}

export interface WebsiteBlock {
  readonly url: string;
  readonly host: string;
  readonly rule: string;
  readonly source: string;
  readonly message: string;
}

export interface WebsiteBlocklistOptions {
  readonly enabled?: boolean;
  /** `security.website_blocklist.domains`. */
  readonly domains?: readonly string[];
  /** Contents of `security.website_blocklist.shared_files`, already read by the caller. */
  readonly sharedFiles?: readonly { readonly path: string; readonly content: string }[];
}

/** Reduces a URL, `host:port`, `user@host` or bare host to a lowercase hostname (null if none). */
export function hostOfUrl(input: string): string | null {
  const text = input.trim();
  if (text === '') return null;
  let authority: string;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text);
  if (scheme) authority = text.slice(scheme[0].length);
  else if (text.startsWith('//')) authority = text.slice(2);
  else authority = text; // schemeless inputs are read as `//input` (hermes §11)
  const end = authority.search(/[/?#\\]/);
  if (end >= 0) authority = authority.slice(0, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host: string;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    host = close < 0 ? authority.slice(1) : authority.slice(1, close);
  } else {
    const colon = authority.indexOf(':');
    host = colon >= 0 ? authority.slice(0, colon) : authority;
  }
  host = host.toLowerCase().replace(/\.+$/, '');
  return host === '' ? null : host;
}

/** Normalises one rule line; null for blanks, comments and rules that keep an `@` (dropped). */
export function normaliseRule(line: string): string | null {
  const trimmed = line.trim().toLowerCase();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  let host = hostOfUrl(trimmed);
  if (host === null || host.includes('@')) return null;
  if (host.startsWith('www.')) host = host.slice(4);
  return host === '' ? null : host;
}

/** Parses a shared rule file: one rule per line, `#` comments, a UTF-8 BOM tolerated (utf-8-sig). */
export function parseRuleFile(content: string): string[] {
  const text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  return text.split(/\r?\n/);
}

export function createWebsiteBlocklist(options: WebsiteBlocklistOptions): WebsiteBlocklist {
  const rules: WebsiteRule[] = [];
  const add = (line: string, source: string) => {
    const pattern = normaliseRule(line);
    if (pattern !== null) rules.push(Object.freeze({ pattern, rule: line.trim(), source }));
  };
  for (const d of options.domains ?? []) add(d, 'config');
  for (const f of options.sharedFiles ?? []) for (const line of parseRuleFile(f.content)) add(line, f.path);
  return Object.freeze({ enabled: options.enabled !== false, rules: Object.freeze(rules) });
}

/** fnmatch-style `*` / `?` match, iterative with single-star backtracking: O(n·m) worst case. */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '?' || (pc !== undefined && pc !== '*' && pc === text[t])) {
      p++;
      t++;
    } else if (pc === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export function hostMatchesRule(host: string, pattern: string): boolean {
  if (pattern.includes('*') || pattern.includes('?')) {
    // `*.x` spans any depth of subdomain but never the apex `x` (fnmatch needs the dot).
    return globMatch(pattern, host);
  }
  return host === pattern || host.endsWith(`.${pattern}`);
}

/** The first rule blocking `url`, or null. Host side: lowercase, trailing dot, port, userinfo ignored. */
export function checkWebsite(url: string, blocklist: WebsiteBlocklist): WebsiteBlock | null {
  if (!blocklist.enabled || blocklist.rules.length === 0) return null;
  const host = hostOfUrl(url);
  if (host === null) return null;
  for (const r of blocklist.rules) {
    if (hostMatchesRule(host, r.pattern)) {
      return {
        url,
        host,
        rule: r.pattern,
        source: r.source,
        message: `Blocked by website policy: '${host}' matched rule '${r.pattern}' from ${r.source}`,
      };
    }
  }
  return null;
}
