// Wire form of an execution grant: `hg1.<base64url(JSON claims)>.<base64url(Ed25519 signature)>`.
// The signature covers the ASCII bytes `hg1.<payload>` (version prefix included, so a token of
// another format or version can never verify as this one).
import type { Backend } from '../command/types.ts';
import { GrantRejectedError } from './errors.ts';

export const GRANT_TOKEN_PREFIX = 'hg1';

/** Issue #6 item 5: "a short expiry (≤ 60 s)". */
export const MAX_GRANT_LIFETIME_MS = 60_000;

/** What approval signed: one execution, bound to everything that decides what it does. */
export interface GrantClaims {
  readonly v: 1;
  /** Signing key id (rotation: verifiers hold a key ring by id). */
  readonly kid: string;
  /** Session the command was evaluated for. */
  readonly sid: string;
  /** {@link argvHash} of the exact argv the executor will run. */
  readonly argv: string;
  /** Working directory, as evaluated. */
  readonly cwd: string;
  readonly backend: Backend;
  /** Approval id: the ask's request id, or the id of the automatic decision. */
  readonly aid: string;
  /** Issued at / expires at, epoch ms. */
  readonly iat: number;
  readonly exp: number;
  /** Single-use nonce (base64url, 128 bits). */
  readonly nonce: string;
}

const BACKENDS = new Set(['local', 'ssh', 'docker', 'singularity', 'modal', 'daytona', 'vercel-sandbox']);

function isClaims(v: unknown): v is GrantClaims {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return (
    c.v === 1 &&
    typeof c.kid === 'string' &&
    typeof c.sid === 'string' &&
    typeof c.argv === 'string' &&
    typeof c.cwd === 'string' &&
    typeof c.backend === 'string' &&
    BACKENDS.has(c.backend) &&
    typeof c.aid === 'string' &&
    Number.isSafeInteger(c.iat) &&
    Number.isSafeInteger(c.exp) &&
    typeof c.nonce === 'string' &&
    c.nonce.length >= 16
  );
}

export interface ParsedGrantToken {
  readonly claims: GrantClaims;
  /** The signed bytes (`hg1.<payload>`). */
  readonly signedPart: Buffer;
  readonly signature: Buffer;
}

/** Largest token accepted before any parsing (a real one is ~400 bytes). */
const MAX_TOKEN_LENGTH = 4096;

export function encodeGrantPayload(claims: GrantClaims): string {
  return `${GRANT_TOKEN_PREFIX}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
}

/** Splits and decodes a token WITHOUT checking its signature (the verifier does that next). */
export function parseGrantToken(token: string | Uint8Array): ParsedGrantToken {
  const text = typeof token === 'string' ? token : Buffer.from(token).toString('utf8');
  if (text.length === 0) throw new GrantRejectedError('malformed', 'no grant');
  if (text.length > MAX_TOKEN_LENGTH) throw new GrantRejectedError('malformed', 'grant too long');
  const parts = text.split('.');
  if (parts.length !== 3 || parts[0] !== GRANT_TOKEN_PREFIX) {
    throw new GrantRejectedError('malformed', `not a ${GRANT_TOKEN_PREFIX} grant token`);
  }
  const [, payload, sig] = parts as [string, string, string];
  const b64url = /^[A-Za-z0-9_-]+$/;
  if (!b64url.test(payload) || !b64url.test(sig)) throw new GrantRejectedError('malformed', 'bad base64url');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch (e) {
    throw new GrantRejectedError('malformed', 'claims are not JSON', { cause: e });
  }
  if (!isClaims(claims)) throw new GrantRejectedError('malformed', 'claims have the wrong shape');
  return {
    claims,
    signedPart: Buffer.from(`${GRANT_TOKEN_PREFIX}.${payload}`, 'ascii'),
    signature: Buffer.from(sig, 'base64url'),
  };
}
