/**
 * Field names whose values never reach a log line (HOUSE_STYLE rule 10; seed: pairing "Codes are
 * never logged to stdout"; credential redaction), matched case-insensitively at any depth of a
 * plain object or array.
 *
 * `code` is here because pairing codes are logged by that name: log gRPC status or errno codes
 * under `status` / `errno`, never `code`, or they will read `[REDACTED]`. (An `Error`'s own
 * `code` is kept: errors are left to pino's serializer.)
 *
 * Why not pino's `redact` option: its paths have no recursive wildcard, and wildcard paths are
 * slow — measured here, ~100 secret names at three depths cost ~43 µs per log call versus
 * ~1.5 µs for plain pino. This walk is copy-on-write and costs about a microsecond on a small
 * context object.
 */
export const SECRET_FIELDS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'botToken',
  'bot_token',
  'appToken',
  'app_token',
  'apiKey',
  'api_key',
  'apikey',
  'key',
  'privateKey',
  'private_key',
  'signingKey',
  'signing_key',
  'secret',
  'clientSecret',
  'client_secret',
  'secret_access_key',
  'password',
  'passwd',
  'passphrase',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
  'x-access-token',
  'code',
  'pairingCode',
  'pairing_code',
  'grant',
  'credentials',
] as const;

/** Replacement text for redacted values. */
export const REDACTED = '[REDACTED]';

const SECRET_KEYS: ReadonlySet<string> = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));
const MAX_DEPTH = 8;

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

function redactAll(env: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(env)) out[k] = REDACTED;
  return out;
}

/**
 * Copy of `value` with secret fields replaced by `[REDACTED]`; `value` itself when nothing
 * matched (no allocation on the common path). `env` objects (MCP per-server env, seed layer 4)
 * have every value redacted. Only plain objects and arrays are walked.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'object' || v === null) continue;
      const r = redactSecrets(v, depth + 1);
      if (r !== v) {
        out ??= value.slice();
        out[i] = r;
      }
    }
    return (out ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    let r: unknown;
    if (SECRET_KEYS.has(key.toLowerCase())) r = REDACTED;
    else if (key === 'env' && isPlainObject(v)) r = redactAll(v);
    else if (typeof v === 'object') r = redactSecrets(v, depth + 1);
    else continue;
    if (r !== v) {
      out ??= { ...value };
      out[key] = r;
    }
  }
  return (out ?? value) as T;
}
