/**
 * Field names whose values never reach a log line (HOUSE_STYLE rule 10; seed: pairing "Codes are
 * never logged to stdout"; credential redaction). Matched at the top level and one and two
 * levels down (`token`, `ctx.token`, `req.headers.token`): pino's redaction (fast-redact) has
 * no recursive wildcard, and a fixed depth keeps it cheap on every log call.
 *
 * `code` is here because pairing codes are logged by that name: log gRPC status or errno codes
 * under `status` / `errno`, never `code`, or they will read `[REDACTED]`.
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
  'Authorization',
  'cookie',
  'Cookie',
  'code',
  'pairingCode',
  'pairing_code',
  'grant',
  'credentials',
] as const;

/** Header names carrying credentials, under any `headers` object. */
const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'x-api-key',
  'x-auth-token',
  'x-access-token',
  'proxy-authorization',
];

const at = (prefix: string, field: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(field) ? `${prefix}${field}` : `${prefix.slice(0, -1)}["${field}"]`;

/** The full path list handed to pino `redact`. Exported so tests and other loggers can reuse it. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  ...SECRET_HEADERS.flatMap((h) => [at('headers.', h), at('*.headers.', h), at('*.*.headers.', h)]),
  // Environment blocks carry credentials by design (MCP per-server env, seed layer 4).
  'env.*',
  '*.env.*',
  '*.*.env.*',
];
