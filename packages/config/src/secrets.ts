/** What a masked secret looks like. Fixed width, so the mask does not reveal the length. */
export const MASK = '***';

/**
 * Key names whose values are secrets wherever they appear (seed: "Every API key, token, and
 * secret"; reference §8 key names). `key_id` and `public_keys` deliberately do not match.
 */
const SECRET_KEY = /(token|secret|password|passwd|api_?key|private_?key|signing_key|credential|access_key)/i;

/** Query parameters that carry credentials (reference §10 list, abridged). */
const SECRET_PARAM =
  /^(access_token|api_?key|apikey|auth_token|authorization|client_secret|credentials?|jwt|password|passwd|secret|token|x-amz-.*)$/i;

/** Schemes whose bare userinfo (`nats://TOKEN@host`) is a token, not a user name. */
const TOKEN_USERINFO_SCHEMES = new Set(['nats:', 'tls:', 'ws:', 'wss:']);

type Found = { masked: string; secrets: string[] } | undefined;

/** Find credentials inside a URL string: password, token userinfo, credential query params. */
function urlSecrets(value: string): Found {
  if (!value.includes('://') || !URL.canParse(value)) return undefined;
  const u = new URL(value);
  const secrets: string[] = [];
  if (u.password !== '') {
    secrets.push(u.password, decodeURIComponent(u.password));
    u.password = MASK;
  } else if (u.username !== '' && TOKEN_USERINFO_SCHEMES.has(u.protocol)) {
    secrets.push(u.username, decodeURIComponent(u.username));
    u.username = MASK;
  }
  for (const [k, v] of [...u.searchParams]) {
    if (SECRET_PARAM.test(k) && v !== '') {
      secrets.push(v);
      u.searchParams.set(k, MASK);
    }
  }
  if (secrets.length === 0) return undefined;
  return { masked: u.toString(), secrets };
}

function walk(value: unknown, secretContext: boolean, found: string[]): unknown {
  if (typeof value === 'string') {
    if (secretContext) {
      if (value !== '') found.push(value);
      return MASK;
    }
    const u = urlSecrets(value);
    if (u) {
      found.push(...u.secrets);
      return u.masked;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, secretContext, found));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // MCP per-server `env` blocks exist to carry credentials (seed layer 4): mask every value.
      out[k] = walk(v, secretContext || SECRET_KEY.test(k) || k === 'env', found);
    }
    return out;
  }
  return value;
}

/**
 * A plain, unfrozen copy of `config` with every secret replaced by `***`: values under
 * token/key/secret/password-like keys, MCP `env` values, URL passwords, NATS token userinfo and
 * credential query parameters. For `hermes config check` and startup logs.
 */
export function maskSecrets(config: unknown): Record<string, unknown> {
  return walk(config, false, []) as Record<string, unknown>;
}

/**
 * Every secret value in `config`, longest first, deduplicated, for the output redactor (so a
 * configured token is scrubbed even when it matches no pattern). Values shorter than 4
 * characters are left out: scrubbing them would mangle ordinary output.
 */
export function secretValues(config: unknown): string[] {
  const found: string[] = [];
  walk(config, false, found);
  return [...new Set(found)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}
