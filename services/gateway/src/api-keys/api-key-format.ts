// API key text: `hk_<id>_<secret>`. The id (10 bytes, hex) is public: it names the row and appears in
// logs, audit and `hermes apikey list`. The secret is 32 bytes from the CSPRNG (base64url). Only
// SHA-256 of the whole key is stored; with 256 bits of entropy a slow KDF adds nothing (OWASP: fast
// hashes are fine for high-entropy random tokens).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'hk_';
const ID_BYTES = 10;
const SECRET_BYTES = 32;
const KEY_RE = /^hk_([0-9a-f]{20})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  readonly id: string;
  /** The whole key, shown once. */
  readonly secret: string;
  readonly hash: Buffer;
}

export function generateApiKey(): GeneratedKey {
  const id = randomBytes(ID_BYTES).toString('hex');
  const secret = `${API_KEY_PREFIX}${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { id, secret, hash: hashApiKey(secret) };
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The id of a well-formed key; undefined for anything else (the caller answers "invalid API key"). */
export function parseApiKey(key: string): { readonly id: string } | undefined {
  const m = KEY_RE.exec(key);
  return m?.[1] ? { id: m[1] } : undefined;
}

/** Constant-time comparison of a presented key against a stored hash. */
export function keyMatches(key: string, storedHash: Uint8Array): boolean {
  const h = hashApiKey(key);
  return storedHash.length === h.length && timingSafeEqual(h, storedHash);
}

/** `Authorization: Bearer <key>` (RFC 6750 §2.1); the scheme is case-insensitive. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}
