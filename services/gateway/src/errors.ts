// Error classes of the gateway. `toGatewayRpcError` (rpc-errors.ts) is the one place they become
// RPC status codes (HOUSE_STYLE rule 5).

/** Why a credential was refused. Never carries the key itself. */
export const AuthFailure = {
  missing: 'missing',
  malformed: 'malformed',
  unknown: 'unknown',
  revoked: 'revoked',
  unavailable: 'unavailable',
} as const;
export type AuthFailure = (typeof AuthFailure)[keyof typeof AuthFailure];

/** The request carried no valid API key (401 / UNAUTHENTICATED). */
export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
  readonly reason: AuthFailure;
  constructor(reason: AuthFailure, options?: { cause?: unknown }) {
    super(reason === 'missing' ? 'an API key is required' : 'invalid API key', options);
    this.reason = reason;
  }
}

/** The key is valid but lacks the scope the operation needs (403 / PERMISSION_DENIED). */
export class ScopeError extends Error {
  override readonly name = 'ScopeError';
  readonly scope: string;
  constructor(scope: string) {
    super(`this API key lacks the '${scope}' scope`);
    this.scope = scope;
  }
}

/** The key passed its per-minute budget (429 / RESOURCE_EXHAUSTED). */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super('rate limit exceeded for this API key');
    this.retryAfterMs = retryAfterMs;
  }
}

/** The caller is not authorized by the authz chain (403 / PERMISSION_DENIED). */
export class NotAuthorizedError extends Error {
  override readonly name = 'NotAuthorizedError';
  readonly platform: string;
  constructor(platform: string) {
    super(
      `caller is not authorized on platform ${platform}: list the user id in GATEWAY_ALLOWED_USERS or approve it with pairing`,
    );
    this.platform = platform;
  }
}

/** Layer 7, input sanitization: a field failed a check. The message names the field, never its value. */
export class InvalidRunRequestError extends Error {
  override readonly name = 'InvalidRunRequestError';
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

/** Bad input to an admin operation (API key name, scopes). */
export class InvalidApiKeyRequestError extends Error {
  override readonly name = 'InvalidApiKeyRequestError';
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

/** A run id that this gateway does not know (or that belongs to another key). */
export class RunNotFoundError extends Error {
  override readonly name = 'RunNotFoundError';
  readonly runId: string;
  constructor(runId: string) {
    super('no such run');
    this.runId = runId;
  }
}

/** Postgres could not answer an API-key operation. */
export class ApiKeyStoreError extends Error {
  override readonly name = 'ApiKeyStoreError';
  readonly operation: string;
  constructor(operation: string, options?: { cause?: unknown }) {
    super(`API key store unavailable (${operation})`, options);
    this.operation = operation;
  }
}
