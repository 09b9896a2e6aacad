// Prompt-injection patterns for context files (issue #4 item 1; hermes-behaviour §12). The finding
// ids and their order are Hermes's (`tools/threat_patterns.py`, scope `context`), so a replacement
// message names the same ids. Patterns run on NFKC-normalised, lower-cased text; every repetition is
// bounded (no nested unbounded quantifiers), so matching stays linear in practice on hostile input.

/** One word of filler; Python's `\w` is Unicode-aware, so ours is too. */
const WORD = String.raw`[\p{L}\p{N}_]`;
/** Up to eight filler words between the key words (hermes `_FILLER`). */
const F = String.raw`(?:${WORD}+\s+){0,8}`;
/** An env-var reference whose name ends in a secret-ish word (`$API_KEY`, `${GH_TOKEN}`). */
const SECRET_VAR = String.raw`\$\{?${WORD}*?(?:key|token|secret|password|credential)s?(?![\p{L}\p{N}_])`;
const SECRET_FILES = String.raw`(?:\.env|credentials|\.netrc|\.pgpass|\.npmrc|\.pypirc)`;

export interface ThreatPattern {
  readonly id: string;
  readonly re: RegExp;
}

const p = (id: string, source: string): ThreatPattern => ({ id, re: new RegExp(source, 'u') });

/** Table order is the order finding ids are reported in. */
export const THREAT_PATTERNS: readonly ThreatPattern[] = [
  p('prompt_injection', String.raw`ignore\s+${F}(?:previous|all|above|prior)\s+${F}instructions`),
  p('sys_prompt_override', String.raw`system\s+prompt\s+override`),
  p('disregard_rules', String.raw`disregard\s+${F}(?:your|all|any)\s+${F}(?:instructions|rules|guidelines)`),
  p(
    'bypass_restrictions',
    String.raw`act\s+as\s+(?:if|though)\s+${F}you\s+${F}(?:have\s+no|don['’]t\s+have)\s+${F}(?:restrictions|limits|rules)`,
  ),
  // Whole-word keywords inside a comment (so `<!-- systemd notes -->` stays clean).
  p(
    'html_comment_injection',
    `<!--[^>]{0,512}(?<![a-z])(?:ignore|override|system|secret|hidden)(?![a-z])[^>]{0,512}-->`,
  ),
  // Hermes matches `<div style="…display:none`; any element hidden by an inline style is the same trick.
  p(
    'hidden_div',
    String.raw`<\s*[a-z][a-z0-9]{0,15}\s+(?:[^>]{0,512}\s)?style\s*=\s*["'][^>]{0,2048}(?:display\s*:\s*none|visibility\s*:\s*hidden)`,
  ),
  p(
    'translate_execute',
    String.raw`translate\s+[^\n]{0,512}\s+into\s+${WORD}+(?:[\s-]+${WORD}+){0,2}\s+and\s+(?:execute|run|eval)(?![\p{L}\p{N}_])`,
  ),
  p('deception_hide', String.raw`(?:do\s+not|don['’]t)\s+${F}tell\s+${F}the\s+user`),
  p('role_hijack', String.raw`you\s+are\s+${F}now\s+(?:a|an|the)\s+`),
  p('role_pretend', String.raw`pretend\s+${F}(?:you\s+are|to\s+be)\s+`),
  p('leak_system_prompt', String.raw`output\s+${F}(?:system|initial)\s+prompt`),
  p('remove_filters', String.raw`(?:respond|answer|reply)\s+without\s+${F}(?:restrictions|limitations|filters|safety)`),
  p('fake_update', String.raw`you\s+have\s+been\s+${F}(?:updated|upgraded|patched)\s+to`),
  // "name your variables" stays clean: the verb pair is anchored.
  p('identity_override', String.raw`(?<![\p{L}\p{N}_])name\s+yourself\s+${WORD}+`),
  p('c2_node_registration', String.raw`register\s+(?:as\s+)?a?\s*node`),
  p('c2_heartbeat', String.raw`(?:heartbeat|beacon|check[\s-]?in)\s+(?:to|with)\s+`),
  p('c2_task_pull', String.raw`pull\s+(?:down\s+)?(?:new\s+)?task(?:ing|s)?(?![\p{L}\p{N}_])`),
  p('c2_network_connect', String.raw`connect\s+to\s+the\s+network(?![\p{L}\p{N}_])`),
  p('forced_action', String.raw`you\s+must\s+(?:${WORD}+\s+){0,3}(?:register|connect|report|beacon)(?![\p{L}\p{N}_])`),
  p('anti_forensic_oneliner', String.raw`only\s+use\s+one[\s-]?liners?(?![\p{L}\p{N}_])`),
  p('anti_forensic_disk', String.raw`never\s+${F}(?:create|write)\s+${F}(?:script|file)\s+${F}disk`),
  p('env_var_unset_agent', String.raw`unset\s+${WORD}{0,64}?(?:claude|codex|hermes|agent|openai|anthropic)`),
  p(
    'known_c2_framework',
    String.raw`(?<![\p{L}\p{N}_])(?:cobalt\s*strike|sliver|havoc|mythic|metasploit|brainworm)(?![\p{L}\p{N}_])`,
  ),
  p('c2_explicit', String.raw`(?<![\p{L}\p{N}_])c2\s+(?:server|channel|infrastructure|beacon)(?![\p{L}\p{N}_])`),
  p('c2_explicit_long', String.raw`(?<![\p{L}\p{N}_])command\s+and\s+control(?![\p{L}\p{N}_])`),
  // Secret variables, or secret files uploaded with `@file` (`curl -d @.env`).
  p('exfil_curl', String.raw`curl\s+[^\n]{0,2048}?(?:${SECRET_VAR}|@[^\s]{0,256}?${SECRET_FILES})`),
  p('exfil_wget', String.raw`wget\s+[^\n]{0,2048}?(?:${SECRET_VAR}|--post-file[=\s][^\s]{0,256}?${SECRET_FILES})`),
  p('read_secrets', String.raw`cat\s+[^\n]{0,2048}?${SECRET_FILES}`),
];

/**
 * Invisible and bidirectional code points (hermes' 17, plus U+2061 FUNCTION APPLICATION, the
 * fourth invisible operator) and Unicode tag characters U+E0000–E007F (ASCII smuggling).
 */
const INVISIBLE_BMP = new Set([
  0x200b, 0x200c, 0x200d, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
  0x2066, 0x2067, 0x2068, 0x2069,
]);
const INVISIBLE_RE = /[\u200B-\u200D\u2060-\u2064\uFEFF\u202A-\u202E\u2066-\u2069]|\u{E0000}|[\u{E0001}-\u{E007F}]/gu;

export function isInvisibleCodePoint(cp: number): boolean {
  return INVISIBLE_BMP.has(cp) || (cp >= 0xe0000 && cp <= 0xe007f);
}

/** `invisible_unicode_U+XXXX` ids for every invisible code point present, ascending. */
export function invisibleFindings(text: string): string[] {
  const seen = new Set<number>();
  for (const m of text.matchAll(INVISIBLE_RE)) seen.add(m[0].codePointAt(0)!);
  return [...seen]
    .sort((a, b) => a - b)
    .map((cp) => `invisible_unicode_U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
}
