import { Code, RpcError } from '@hermes/rpc';

/**
 * The answer of an RPC whose behaviour a later issue delivers (issue #2 allows UNIMPLEMENTED for
 * those): says which issue brings it, so a caller knows it is planned, not broken. Callers treat
 * it like any error: authz and approval fail closed on it.
 */
export function arrivesWith(issue: string, what: string): RpcError {
  return new RpcError(Code.UNIMPLEMENTED, `${what} is not available in this version yet (planned: ${issue})`);
}
