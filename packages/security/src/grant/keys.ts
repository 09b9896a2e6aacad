// Ed25519 keys for execution grants: parsing from config text and ephemeral generation.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { GrantKeyError } from './errors.ts';

/** Key ids travel inside tokens and log lines: short, printable, no separators. */
const KEY_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export function checkKeyId(keyId: string): void {
  if (!KEY_ID.test(keyId)) throw new GrantKeyError(`grant key id '${keyId}' must match ${KEY_ID}`, { keyId });
}

function ensureEd25519(key: KeyObject, keyId: string | undefined): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new GrantKeyError(`grant keys must be Ed25519 (got ${key.asymmetricKeyType ?? 'a symmetric key'})`, {
      ...(keyId ? { keyId } : {}),
    });
  }
  return key;
}

/** A private key as config holds it: PEM (`-----BEGIN PRIVATE KEY-----`) or base64 DER PKCS#8. */
export function parseGrantPrivateKey(text: string, keyId?: string): KeyObject {
  try {
    const t = text.trim();
    const key = t.startsWith('-----')
      ? createPrivateKey(t)
      : createPrivateKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'pkcs8' });
    return ensureEd25519(key, keyId);
  } catch (e) {
    if (e instanceof GrantKeyError) throw e;
    throw new GrantKeyError('grant signing key is not a PEM or base64 PKCS#8 Ed25519 private key', {
      ...(keyId ? { keyId } : {}),
      cause: e,
    });
  }
}

/** A public key as config holds it: PEM (`-----BEGIN PUBLIC KEY-----`) or base64 DER SPKI. */
export function parseGrantPublicKey(text: string, keyId?: string): KeyObject {
  try {
    const t = text.trim();
    const key = t.startsWith('-----')
      ? createPublicKey(t)
      : createPublicKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'spki' });
    return ensureEd25519(key, keyId);
  } catch (e) {
    if (e instanceof GrantKeyError) throw e;
    throw new GrantKeyError('grant public key is not a PEM or base64 SPKI Ed25519 public key', {
      ...(keyId ? { keyId } : {}),
      cause: e,
    });
  }
}

/** Base64 DER SPKI of a public key: the form `approvals.grants.public_keys` and ListGrantKeys carry. */
export function encodeGrantPublicKey(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** A fresh key pair (embedded mode without a configured key: ephemeral, lost at exit). */
export function generateGrantKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}
