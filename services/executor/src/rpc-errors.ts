// The one place where executor errors become wire statuses (HOUSE_STYLE rule 5). Messages are ours
// (they name fields and reasons, never values); anything unexpected stays INTERNAL via toRpcError.
import { Code, RpcError, toRpcError } from '@hermes/rpc';
import {
  BackendConfigError,
  BackendUnavailableError,
  GrantRefusedError,
  HostKeyRefusedError,
  InvalidRunInputError,
  NotFoundError,
  WorkerAtCapacityError,
} from './errors.ts';

export function toExecutorRpcError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  if (e instanceof InvalidRunInputError) return new RpcError(Code.INVALID_ARGUMENT, e.message, { cause: e });
  if (e instanceof GrantRefusedError) return new RpcError(Code.PERMISSION_DENIED, e.message, { cause: e });
  if (e instanceof NotFoundError) return new RpcError(Code.NOT_FOUND, e.message, { cause: e });
  if (e instanceof WorkerAtCapacityError) return new RpcError(Code.RESOURCE_EXHAUSTED, e.message, { cause: e });
  if (e instanceof BackendUnavailableError) return new RpcError(Code.UNAVAILABLE, e.message, { cause: e });
  if (e instanceof HostKeyRefusedError) return new RpcError(Code.FAILED_PRECONDITION, e.message, { cause: e });
  if (e instanceof BackendConfigError) return new RpcError(Code.FAILED_PRECONDITION, e.message, { cause: e });
  return toRpcError(e);
}
