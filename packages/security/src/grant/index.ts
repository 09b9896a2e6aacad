// Public door of the execution-grant module (issue #6 item 5): pure Ed25519 sign/verify, no I/O.
export { argvHash, canonicalArgv, shellArgv } from './argv-hash.ts';
export { GrantKeyError, GrantRejectedError, GrantRejectReason } from './errors.ts';
export { GrantSigner, type GrantSignerOptions, type GrantSubject, type SignedGrant } from './grant-signer.ts';
export {
  GRANT_TOKEN_PREFIX,
  type GrantClaims,
  MAX_GRANT_LIFETIME_MS,
  type ParsedGrantToken,
  parseGrantToken,
} from './grant-token.ts';
export {
  type GrantExpectation,
  GrantVerifier,
  type GrantVerifierOptions,
  grantNonceKey,
  type TakeNonce,
} from './grant-verifier.ts';
export {
  checkKeyId,
  encodeGrantPublicKey,
  generateGrantKeyPair,
  parseGrantPrivateKey,
  parseGrantPublicKey,
} from './keys.ts';
