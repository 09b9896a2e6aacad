import { RpcError, TransportClosedError } from './errors.ts';
import { Code, codeName, parseCode } from './status-code.ts';

/**
 * The single place where an error becomes a status for the wire (HOUSE_STYLE rule 5). RpcErrors keep
 * their code and message. Anything else is INTERNAL with a generic message: the cause is for the log,
 * never for the caller.
 */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof TransportClosedError) return new RpcError(Code.UNAVAILABLE, err.message, { cause: err });
  return new RpcError(Code.INTERNAL, 'internal error', { cause: err });
}

/** True when the error was not a deliberate RpcError, so the server must log its cause. */
export function isUnexpected(err: unknown): boolean {
  return !(err instanceof RpcError);
}

/** Header names of the NATS service-error convention, plus our exact gRPC code. */
export const NatsStatusHeader = {
  error: 'Nats-Service-Error',
  errorCode: 'Nats-Service-Error-Code',
  grpcStatus: 'Hermes-Grpc-Status',
} as const;

// NATS micro services report HTTP-like codes; keep a faithful mapping for tools that read them.
const httpLike: Record<number, number> = {
  [Code.INVALID_ARGUMENT]: 400,
  [Code.OUT_OF_RANGE]: 400,
  [Code.FAILED_PRECONDITION]: 400,
  [Code.UNAUTHENTICATED]: 401,
  [Code.PERMISSION_DENIED]: 403,
  [Code.NOT_FOUND]: 404,
  [Code.ALREADY_EXISTS]: 409,
  [Code.ABORTED]: 409,
  [Code.RESOURCE_EXHAUSTED]: 429,
  [Code.CANCELLED]: 499,
  [Code.UNIMPLEMENTED]: 501,
  [Code.UNAVAILABLE]: 503,
  [Code.DEADLINE_EXCEEDED]: 504,
};

export function natsErrorHeaders(err: RpcError): Record<string, string> {
  return {
    [NatsStatusHeader.error]: sanitizeHeaderValue(err.message),
    [NatsStatusHeader.errorCode]: String(httpLike[err.code] ?? 500),
    [NatsStatusHeader.grpcStatus]: String(err.code),
  };
}

/** Rebuilds the caller-side error from NATS reply headers (the inverse of natsErrorHeaders). */
export function fromNatsErrorHeaders(get: (name: string) => string): RpcError | undefined {
  const grpc = get(NatsStatusHeader.grpcStatus);
  const message = get(NatsStatusHeader.error);
  if (!grpc && !message) return undefined;
  const code = grpc ? parseCode(grpc) : Code.UNKNOWN;
  if (code === Code.OK) return undefined;
  return new RpcError(code, message || codeName(code));
}

/** Header values are single-line; a message with CR/LF would break the NATS header block. */
function sanitizeHeaderValue(s: string): string {
  const oneLine = s.replace(/[\r\n]+/g, ' ');
  return oneLine.length > 512 ? `${oneLine.slice(0, 509)}...` : oneLine;
}
