// Signs execution grants (the approval service holds the one private key in use).
import { type KeyObject, randomBytes, sign } from 'node:crypto';
import type { Backend } from '../command/types.ts';
import { argvHash } from './argv-hash.ts';
import { GrantKeyError } from './errors.ts';
import { encodeGrantPayload, type GrantClaims, MAX_GRANT_LIFETIME_MS } from './grant-token.ts';
import { checkKeyId } from './keys.ts';

export interface GrantSignerOptions {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  /** Lifetime of each grant; at most 60 s (issue #6). Default 30 s. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/** What one grant is for: the exact argv the executor will run (see `shellArgv`), or its {@link argvHash}. */
export type GrantSubject = {
  readonly sessionId: string;
  readonly cwd: string;
  readonly backend: Backend;
  readonly approvalId: string;
} & ({ readonly argv: readonly string[] } | { readonly argvHash: string });

export interface SignedGrant {
  readonly token: string;
  readonly claims: GrantClaims;
}

export class GrantSigner {
  readonly keyId: string;
  readonly ttlMs: number;
  readonly #key: KeyObject;
  readonly #now: () => number;

  constructor(options: GrantSignerOptions) {
    checkKeyId(options.keyId);
    if (options.privateKey.type !== 'private' || options.privateKey.asymmetricKeyType !== 'ed25519') {
      throw new GrantKeyError('grant signing key must be an Ed25519 private key', { keyId: options.keyId });
    }
    const ttl = options.ttlMs ?? 30_000;
    if (!Number.isSafeInteger(ttl) || ttl <= 0 || ttl > MAX_GRANT_LIFETIME_MS) {
      throw new GrantKeyError(`grant lifetime must be 1..${MAX_GRANT_LIFETIME_MS} ms (got ${ttl})`, {
        keyId: options.keyId,
      });
    }
    this.keyId = options.keyId;
    this.ttlMs = ttl;
    this.#key = options.privateKey;
    this.#now = options.now ?? Date.now;
  }

  sign(subject: GrantSubject): SignedGrant {
    const iat = this.#now();
    const claims: GrantClaims = {
      v: 1,
      kid: this.keyId,
      sid: subject.sessionId,
      argv: 'argvHash' in subject ? subject.argvHash : argvHash(subject.argv),
      cwd: subject.cwd,
      backend: subject.backend,
      aid: subject.approvalId,
      iat,
      exp: iat + this.ttlMs,
      nonce: randomBytes(16).toString('base64url'),
    };
    const signed = encodeGrantPayload(claims);
    const signature = sign(null, Buffer.from(signed, 'ascii'), this.#key).toString('base64url');
    return { token: `${signed}.${signature}`, claims };
  }
}
