// Error classes of the execution-grant module (HOUSE_STYLE rule 5).

/** Why a grant was refused. A closed set, so executors can count and log refusals by kind. */
export const GrantRejectReason = {
  /** Not a `hg1.<payload>.<signature>` token, or claims of the wrong shape. */
  malformed: 'malformed',
  /** Signed with a key id the verifier does not hold (rotated out, or never ours). */
  unknownKey: 'unknown_key',
  /** The signature does not verify: forged or altered. */
  badSignature: 'bad_signature',
  expired: 'expired',
  /** Issued in the future (beyond the allowed clock skew). */
  notYetValid: 'not_yet_valid',
  /** Lifetime longer than the 60 s issue #6 allows, even if signed. */
  lifetimeTooLong: 'lifetime_too_long',
  /** Session, argv, working directory or backend differ from what is about to run. */
  bindingMismatch: 'binding_mismatch',
  /** Nonce already consumed (or never registered): single use. */
  replayed: 'replayed',
} as const;
export type GrantRejectReason = (typeof GrantRejectReason)[keyof typeof GrantRejectReason];

/** The verifier refused a grant; the executor must run nothing. `field` names the binding that differed. */
export class GrantRejectedError extends Error {
  override readonly name = 'GrantRejectedError';
  readonly reason: GrantRejectReason;
  readonly field: string | undefined;
  constructor(reason: GrantRejectReason, detail: string, options?: { field?: string; cause?: unknown }) {
    super(
      `execution grant refused (${reason}): ${detail}`,
      options?.cause === undefined ? {} : { cause: options.cause },
    );
    this.reason = reason;
    this.field = options?.field;
  }
}

/** A configured key could not be used (wrong type, unparsable, bad key id, lifetime out of range). */
export class GrantKeyError extends Error {
  override readonly name = 'GrantKeyError';
  readonly keyId: string | undefined;
  constructor(message: string, options?: { keyId?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? {} : { cause: options.cause });
    this.keyId = options?.keyId;
  }
}
