import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { PAIRING_LIMITS } from './limits.ts';

/**
 * Seed: "Codes use a 32-character unambiguous alphabet (no 0/O or 1/I confusion)". The exact
 * alphabet of Hermes' `gateway/pairing.py`.
 */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const ALPHABET_SET = new Set(CODE_ALPHABET);

/** Draws an integer in [0, max) uniformly; the default is `crypto.randomInt` (a CSPRNG, rejection sampling, no modulo bias). */
export type RandomIndex = (max: number) => number;

/**
 * A fresh pairing code: `codeLength` characters, each drawn independently and uniformly from the
 * alphabet with a CSPRNG (seed: "Generated with secrets.choice() for cryptographic randomness").
 */
export function generateCode(random: RandomIndex = randomInt): string {
  let code = '';
  for (let i = 0; i < PAIRING_LIMITS.codeLength; i++) code += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return code;
}

/**
 * What an operator typed, as a code: upper-cased, with spaces, tabs and dashes removed (issue #5:
 * "accepted case-insensitively and with stray spaces/dashes"). Returns undefined unless the result
 * has the right length and only alphabet characters; the input is never echoed back.
 */
export function normalizeCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const code = input.replace(/[\s-]+/g, '').toUpperCase();
  if (code.length !== PAIRING_LIMITS.codeLength) return undefined;
  for (const ch of code) if (!ALPHABET_SET.has(ch)) return undefined;
  return code;
}

/** A stored code: `sha256(salt || code)` with a per-code 16-byte salt, both hex (Hermes' pending entry shape). */
export interface CodeHash {
  readonly salt: string;
  readonly hash: string;
}

function digest(saltHex: string, code: string): Buffer {
  return createHash('sha256').update(Buffer.from(saltHex, 'hex')).update(code, 'utf8').digest();
}

export function hashCode(code: string, salt: string = randomBytes(16).toString('hex')): CodeHash {
  return { salt, hash: digest(salt, code).toString('hex') };
}

/** Constant-time comparison of a candidate code against a stored hash (seed: codes never stored in plaintext). */
export function codeMatches(code: string, stored: CodeHash): boolean {
  const expected = Buffer.from(stored.hash, 'hex');
  const actual = digest(stored.salt, code);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Server-side id of a pending request: 16 hex characters (Hermes: `secrets.token_hex(8)`). */
export function newRequestId(): string {
  return randomBytes(8).toString('hex');
}

export function isRequestId(s: string): boolean {
  return /^[0-9a-f]{16}$/.test(s);
}
