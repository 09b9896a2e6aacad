// Every run verifies its grant first (issue #7 item 1; zero trust, ARCHITECTURE): Ed25519 signature
// by a key approval published, unexpired, bound to this exact argv / cwd / backend / session, and
// single-use (its nonce is taken atomically from the shared TTL store, so a replay — or a retry of
// the same request on another worker — runs nothing: at most once).

import { createPublicKey, type KeyObject } from 'node:crypto';
import type { HermesConfig, TerminalBackend } from '@hermes/config';
import {
  type GrantClaims,
  GrantRejectedError,
  GrantVerifier,
  grantNonceKey,
  parseGrantPrivateKey,
  parseGrantPublicKey,
} from '@hermes/security';
import type { TtlStore } from '@hermes/storage';
import { GrantRefusedError } from '../errors.ts';

/** What is about to run; every field must equal what approval signed. */
export interface GrantRequest {
  readonly token: Uint8Array;
  readonly sessionId: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly backend: TerminalBackend;
}

/** The port the worker depends on. Resolves with the approval id; rejects with GrantRefusedError. */
export interface GrantCheck {
  check(request: GrantRequest): Promise<{ readonly approvalId: string; readonly claims: GrantClaims }>;
}

/** Public keys an executor trusts: `approvals.grants.public_keys`, plus the signing key's own public half when this process holds it (embedded mode). */
export function trustedGrantKeys(config: HermesConfig): Map<string, KeyObject> {
  const g = config.approvals.grants;
  const keys = new Map<string, KeyObject>();
  for (const [kid, text] of Object.entries(g.public_keys)) keys.set(kid, parseGrantPublicKey(text, kid));
  if (g.signing_key !== undefined) {
    const kid = g.key_id ?? 'default';
    if (!keys.has(kid)) keys.set(kid, createPublicKey(parseGrantPrivateKey(g.signing_key, kid)));
  }
  return keys;
}

/** The real check: `GrantVerifier` from the security core, nonces consumed from the TTL store. */
export function verifierGrantCheck(options: {
  readonly keys: ReadonlyMap<string, KeyObject | string> | Readonly<Record<string, KeyObject | string>>;
  readonly ttlStore: () => Promise<TtlStore>;
  readonly now?: () => number;
}): GrantCheck & { addKey(kid: string, key: KeyObject | string): void; keyIds(): string[] } {
  const verifier = new GrantVerifier({
    keys: options.keys,
    take: async (nonce) => (await (await options.ttlStore()).take(grantNonceKey(nonce))) !== undefined,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    async check(request) {
      try {
        const claims = await verifier.verify(request.token, {
          sessionId: request.sessionId,
          argv: request.argv,
          cwd: request.cwd,
          backend: request.backend,
        });
        return { approvalId: claims.aid, claims };
      } catch (e) {
        if (e instanceof GrantRejectedError) throw new GrantRefusedError(e.reason, e.message, { cause: e });
        throw new GrantRefusedError('error', 'execution grant could not be verified', { cause: e });
      }
    },
    addKey: (kid, key) => verifier.addKey(kid, key),
    keyIds: () => verifier.keyIds(),
  };
}
