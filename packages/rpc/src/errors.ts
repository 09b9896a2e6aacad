import { type Code, codeName } from './status-code.ts';

/**
 * The one error class that crosses a service boundary. Its message is sent to the caller, so it must
 * never carry a secret or a payload; put the underlying error in `cause` (logged, never sent).
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get codeName(): string {
    return codeName(this.code);
  }
}

/** Thrown when a transport is used after it was closed. */
export class TransportClosedError extends Error {
  override readonly name = 'TransportClosedError';
  readonly transport: string;
  constructor(transport: string) {
    super(`the ${transport} transport is closed`);
    this.transport = transport;
  }
}
