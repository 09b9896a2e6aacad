// Signs the execution grant of every allow (issue #6 item 5) and registers its nonce, so the executor
// can consume it exactly once. Keys come from `approvals.grants`; without one (embedded mode) an
// ephemeral pair is generated at start and the log says so.
import { createPublicKey, randomUUID } from 'node:crypto';
import type { HermesConfig } from '@hermes/config';
import {
  type Backend,
  checkKeyId,
  encodeGrantPublicKey,
  GrantKeyError,
  GrantSigner,
  generateGrantKeyPair,
  parseGrantPrivateKey,
  parseGrantPublicKey,
} from '@hermes/security';
import type { ApprovalState } from './state/approval-state.ts';

export interface PublishedKey {
  readonly keyId: string;
  /** Base64 DER SPKI. */
  readonly publicKey: string;
  readonly active: boolean;
}

export interface GrantKeyRing {
  readonly signer: GrantSigner;
  readonly keys: readonly PublishedKey[];
  /** True when no key was configured and this process made one up. */
  readonly ephemeral: boolean;
}

/** Builds the signer from config (`approvals.grants.{key_id, signing_key, public_keys, ttl_seconds}`). */
export function loadGrantKeys(config: HermesConfig, now: () => number): GrantKeyRing {
  const g = config.approvals.grants;
  const ttlMs = g.ttl_seconds * 1000;
  const others: PublishedKey[] = Object.entries(g.public_keys).map(([keyId, text]) => {
    checkKeyId(keyId);
    return { keyId, publicKey: encodeGrantPublicKey(parseGrantPublicKey(text, keyId)), active: false };
  });
  if (g.signing_key === undefined) {
    const pair = generateGrantKeyPair();
    const keyId = `ephemeral-${randomUUID().slice(0, 8)}`;
    return {
      signer: new GrantSigner({ keyId, privateKey: pair.privateKey, ttlMs, now }),
      keys: [{ keyId, publicKey: encodeGrantPublicKey(pair.publicKey), active: true }, ...others],
      ephemeral: true,
    };
  }
  const keyId = g.key_id ?? 'default';
  const privateKey = parseGrantPrivateKey(g.signing_key, keyId);
  const publicKey = encodeGrantPublicKey(createPublicKey(privateKey));
  const configured = others.find((k) => k.keyId === keyId);
  if (configured && configured.publicKey !== publicKey) {
    throw new GrantKeyError(`approvals.grants.public_keys.${keyId} does not match the signing key`, { keyId });
  }
  return {
    signer: new GrantSigner({ keyId, privateKey, ttlMs, now }),
    keys: [{ keyId, publicKey, active: true }, ...others.filter((k) => k.keyId !== keyId)],
    ephemeral: false,
  };
}

export interface IssuedGrant {
  readonly token: string;
  readonly approvalId: string;
  readonly expiresAt: number;
  readonly nonce: string;
}

export class GrantIssuer {
  readonly #signer: GrantSigner;
  readonly #state: ApprovalState;
  readonly #clock: () => number;

  constructor(signer: GrantSigner, state: ApprovalState, clock: () => number) {
    this.#signer = signer;
    this.#state = state;
    this.#clock = clock;
  }

  async issue(subject: {
    sessionId: string;
    argvHash: string;
    cwd: string;
    backend: Backend;
    approvalId?: string;
  }): Promise<IssuedGrant> {
    const approvalId = subject.approvalId ?? randomUUID();
    const g = this.#signer.sign({ ...subject, approvalId });
    // The nonce outlives the grant a little (clock skew between hosts); the executor refuses an
    // expired grant anyway, so this only bounds how long a used-or-not nonce is remembered.
    await this.#state.registerNonce(g.claims.nonce, approvalId, Math.max(1, g.claims.exp - this.#clock()) + 5_000);
    return { token: g.token, approvalId, expiresAt: g.claims.exp, nonce: g.claims.nonce };
  }
}
