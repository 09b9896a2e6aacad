// Name- and value-aware judgement for `key=value`, `key: value` and JSON/YAML/repr fields
// (issue #4 item 2; hermes-behaviour §9). Strong names (password, secret, credential, auth,
// api/access/private…_key|token) always mask; bare `key`/`token` names mask only when the value
// looks like a credential, so `tokenizer=bert`, `MAX_TOKENS=4096` and `{"token": "CPU"}` survive.

export type KeyStrength = 'none' | 'weak' | 'strong';

const STRONG = new Set([
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'passphrase',
  'pwd',
  'pw',
  'pass',
  'credential',
  'credentials',
  'creds',
  'apikey',
  'auth',
  'bearer',
  'jwt',
  'privatekey',
  'clientsecret',
  'cookie',
]);
const WEAK = new Set(['key', 'token', 'sig', 'signature', 'session', 'sessionid']);
/** A qualifier before `key`/`token` that makes it a credential (`api_key`, `refresh_token`). */
const CREDENTIAL_QUALIFIERS = new Set([
  'api',
  'access',
  'private',
  'secret',
  'session',
  'auth',
  'refresh',
  'client',
  'bearer',
  'id',
  'signing',
  'encryption',
  'master',
  'oauth',
  'personal',
  'deploy',
  'webhook',
  'app',
  'bot',
  'service',
  'account',
  'admin',
  'root',
  'consumer',
  'license',
  'subscription',
  'security',
  'storage',
  'shared',
  'hmac',
  'ssh',
  'gpg',
  'pgp',
  'csrf',
  'xsrf',
]);
/** A last segment saying the field is ABOUT a secret, not the secret (`password_file`, `auth_method`). */
const DESCRIPTIVE_TAILS = new Set([
  'file',
  'files',
  'path',
  'dir',
  'url',
  'uri',
  'endpoint',
  'type',
  'method',
  'mode',
  'name',
  'env',
  'var',
  'header',
  'length',
  'len',
  'size',
  'count',
  'max',
  'min',
  'enabled',
  'required',
  'provider',
  'policy',
  'prefix',
  'format',
  'field',
  'expiry',
  'expires',
  'expiration',
  'ttl',
  'timeout',
  'scheme',
  'kind',
  'source',
  'hint',
  'label',
  'limit',
  'version',
  'algorithm',
  'alg',
  'id',
  'ids',
  'index',
  'idx',
  'location',
  'host',
  'port',
  'user',
  'username',
  'email',
  'command',
  'cmd',
  'helper',
  'store',
  'manager',
  'backend',
  'plugin',
  'strategy',
  'server',
  'class',
  'module',
  'handler',
  'flow',
  'level',
  'rotation',
  'lifetime',
  'age',
  'at',
  'period',
  'interval',
  'retries',
  'attempts',
  'ref',
  'arn',
  'usage',
  'weight',
  'embd',
  'embedding',
  'embeddings',
  'bias',
  'dim',
  'vocab',
]);

/** Splits `MY_SECRET_TOKEN`, `apiKey`, `APIToken`, `x-api-key`, `a.b.password` into lowercase words. */
export function keySegments(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.\-@]+/)
    .filter((s) => s !== '')
    .map((s) => s.toLowerCase());
}

/** How sensitive a field name is. `formContext` (query string / form body) promotes bare tokens. */
export function keyStrength(key: string, formContext: boolean): KeyStrength {
  const segs = keySegments(key);
  if (segs.length === 0) return 'none';
  const last = segs[segs.length - 1]!;
  if (segs.length > 1 && DESCRIPTIVE_TAILS.has(last)) return 'none';
  let result: KeyStrength = 'none';
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (STRONG.has(s)) return 'strong';
    if (WEAK.has(s)) {
      const prev = segs[i - 1];
      if ((s === 'key' || s === 'token') && prev !== undefined && CREDENTIAL_QUALIFIERS.has(prev)) return 'strong';
      result = 'weak';
    }
  }
  if (
    result === 'weak' &&
    formContext &&
    (last === 'token' || last === 'sig' || last === 'signature' || last === 'jwt')
  ) {
    return 'strong';
  }
  return result;
}

const TYPE_WORDS = new Set([
  'true',
  'false',
  'null',
  'none',
  'nil',
  'undefined',
  'str',
  'string',
  'int',
  'number',
  'bool',
  'boolean',
  'any',
  'object',
  'bytes',
  'optional',
  'required',
  'secretstr',
  'list',
  'dict',
  'redacted',
]);

/**
 * Values that name or stand for a secret rather than being one: variable references, env lookups,
 * templates, placeholders, types, booleans, and values already masked.
 */
export function isNonSecretValue(value: string): boolean {
  if (value === '') return true;
  const c = value[0]!;
  if (c === '$' || c === '<' || c === '{' || c === '%' || c === '*' || c === '[' || c === '«') return true;
  if (/^(?:os\.(?:getenv|environ)|process\.env|env\(|getenv\(|ENV\[|System\.getenv|secrets\.)/.test(value)) return true;
  if (/^[*x•.]+$/i.test(value) && value.length >= 3) return true;
  return TYPE_WORDS.has(value.toLowerCase());
}

/** Credential-shaped value for a weak name: mixed letters+digits, or a long base64-ish run. */
export function looksLikeCredential(value: string): boolean {
  if (value.length < 8) return false;
  if (/^\d+$/.test(value)) return false;
  if (/^[./~]/.test(value) || value.includes('://')) return false;
  const letters = /[A-Za-z]/.test(value);
  const digits = /\d/.test(value);
  if (letters && digits) return true;
  if (value.length >= 20 && /^[A-Za-z0-9+/=_.-]+$/.test(value)) return true;
  return value.length >= 12 && /[^A-Za-z0-9]/.test(value) && letters;
}
