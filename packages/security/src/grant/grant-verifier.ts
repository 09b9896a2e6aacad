// Verifies execution grants before anything runs (issue #6 item 5; the executor of issue #7 uses it).
// Order: parse → key by id → signature → lifetime and expiry → binding → nonce (consumed LAST, so a
// grant refused for another reason does not burn the nonce of the legitimate execution).
import { type KeyObject, verify } from 'node:crypto';
import type { Backend } from '../command/types.ts';
import { argvHash } from './argv-hash.ts';
import { GrantRejectedError } from './errors.ts';
import { type GrantClaims, MAX_GRANT_LIFETIME_MS, parseGrantToken } from './grant-token.ts';
import { checkKeyId, parseGrantPublicKey } from './keys.ts';

/**
 * Consumes a grant's nonce atomically; true only for the first caller while the nonce is live.
 * In the executor: `async (n) => (await ttlStore.take(grantNonceKey(n))) !== undefined` — approval
 * registers each nonce under {@link grantNonceKey} when it signs.
 */
export type TakeNonce = (nonce: string, claims: GrantClaims) => Promise<boolean>;

/** The TTL-store key under which approval registers a grant's nonce and the executor takes it. */
export function grantNonceKey(nonce: string): string {
  return `grant:nonce:${nonce}`;
}

export interface GrantVerifierOptions {
  /** Key ring by key id (rotation: keep the old public key until its last grant expired). PEM/base64 SPKI or KeyObject. */
  readonly keys: ReadonlyMap<string, KeyObject | string> | Readonly<Record<string, KeyObject | string>>;
  readonly take: TakeNonce;
  readonly now?: () => number;
  /** Tolerated clock difference between approval and executor hosts. Default 5 s. */
  readonly clockSkewMs?: number;
}

/** What is about to run; every field must equal what approval signed. */
export interface GrantExpectation {
  readonly sessionId: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly backend: Backend;
}

export class GrantVerifier {
  readonly #keys = new Map<string, KeyObject>();
  readonly #take: TakeNonce;
  readonly #now: () => number;
  readonly #skew: number;

  constructor(options: GrantVerifierOptions) {
    const entries = options.keys instanceof Map ? [...options.keys.entries()] : Object.entries(options.keys);
    for (const [kid, key] of entries) {
      checkKeyId(kid);
      this.#keys.set(kid, typeof key === 'string' ? parseGrantPublicKey(key, kid) : key);
    }
    this.#take = options.take;
    this.#now = options.now ?? Date.now;
    this.#skew = options.clockSkewMs ?? 5_000;
  }

  /** Key ids this verifier accepts. */
  keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** Adds (or replaces) a public key: rotation without restarting the executor. */
  addKey(kid: string, key: KeyObject | string): void {
    checkKeyId(kid);
    this.#keys.set(kid, typeof key === 'string' ? parseGrantPublicKey(key, kid) : key);
  }

  /**
   * Resolves with the claims when the grant is genuine, live, bound to `expected` and unused —
   * consuming it. Otherwise rejects with {@link GrantRejectedError}; the caller must run nothing.
   */
  async verify(token: string | Uint8Array, expected: GrantExpectation): Promise<GrantClaims> {
    const { claims, signedPart, signature } = parseGrantToken(token);
    const key = this.#keys.get(claims.kid);
    if (!key) throw new GrantRejectedError('unknown_key', `no public key for key id '${claims.kid}'`);
    let ok = false;
    try {
      ok = verify(null, signedPart, key, signature);
    } catch (e) {
      throw new GrantRejectedError('bad_signature', 'signature does not verify', { cause: e });
    }
    if (!ok) throw new GrantRejectedError('bad_signature', 'signature does not verify');
    if (claims.exp - claims.iat > MAX_GRANT_LIFETIME_MS || claims.exp <= claims.iat) {
      throw new GrantRejectedError('lifetime_too_long', `lifetime ${claims.exp - claims.iat} ms exceeds 60 s`);
    }
    const now = this.#now();
    if (claims.iat > now + this.#skew) throw new GrantRejectedError('not_yet_valid', 'issued in the future');
    if (now >= claims.exp) throw new GrantRejectedError('expired', `expired ${now - claims.exp} ms ago`);
    const mismatch = (field: string) =>
      new GrantRejectedError('binding_mismatch', `${field} differs from what approval signed`, { field });
    if (claims.sid !== expected.sessionId) throw mismatch('session');
    if (claims.argv !== argvHash(expected.argv)) throw mismatch('argv');
    if (claims.cwd !== expected.cwd) throw mismatch('cwd');
    if (claims.backend !== expected.backend) throw mismatch('backend');
    let fresh: boolean;
    try {
      fresh = await this.#take(claims.nonce, claims);
    } catch (e) {
      // Fail closed: if the nonce store cannot say "first use", nothing runs.
      throw new GrantRejectedError('replayed', 'nonce store unavailable; refusing', { cause: e });
    }
    if (!fresh) throw new GrantRejectedError('replayed', 'grant already used');
    return claims;
  }
}
