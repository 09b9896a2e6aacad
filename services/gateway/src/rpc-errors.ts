// The one mapping from gateway errors to RPC status (HOUSE_STYLE rule 5). Unknown errors pass
// through and the dispatcher turns them into INTERNAL with a generic message.
import { Code, RpcError } from '@hermes/rpc';
import {
  ApiKeyStoreError,
  InvalidApiKeyRequestError,
  InvalidRunRequestError,
  NotAuthorizedError,
  RateLimitedError,
  RunNotFoundError,
  ScopeError,
  UnauthenticatedError,
} from './errors.ts';

export function toGatewayRpcError(err: unknown): unknown {
  if (err instanceof RpcError) return err;
  if (err instanceof UnauthenticatedError) return new RpcError(Code.UNAUTHENTICATED, err.message);
  if (err instanceof ScopeError || err instanceof NotAuthorizedError) {
    return new RpcError(Code.PERMISSION_DENIED, err.message);
  }
  if (err instanceof RateLimitedError) return new RpcError(Code.RESOURCE_EXHAUSTED, err.message);
  if (err instanceof InvalidRunRequestError || err instanceof InvalidApiKeyRequestError) {
    return new RpcError(Code.INVALID_ARGUMENT, err.message);
  }
  if (err instanceof RunNotFoundError) return new RpcError(Code.NOT_FOUND, err.message);
  if (err instanceof ApiKeyStoreError) return new RpcError(Code.UNAVAILABLE, err.message, { cause: err });
  return err;
}

/** Runs `fn`, mapping its failure. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toGatewayRpcError(err);
  }
}
