// Error classes of the approval service (HOUSE_STYLE rule 5). Handlers turn them into RpcError codes in
// one place (server.ts: toRpcError).

/** The request is unusable (empty session, empty command, unknown choice …). */
export class InvalidApprovalRequestError extends Error {
  override readonly name = 'InvalidApprovalRequestError';
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** No ask with that id (never existed, or expired long ago). */
export class AskNotFoundError extends Error {
  override readonly name = 'AskNotFoundError';
  readonly requestId: string;
  constructor(requestId: string) {
    super('unknown or expired request id');
    this.requestId = requestId;
  }
}

/** The permanent allowlist could not be read or written. */
export class AllowlistStoreError extends Error {
  override readonly name = 'AllowlistStoreError';
  readonly operation: string;
  constructor(operation: string, options?: { cause?: unknown }) {
    super(`allowlist ${operation} failed`, options);
    this.operation = operation;
  }
}

/** The guardian LLM did not give a usable answer (HTTP error, timeout, bad body). Escalates to a human. */
export class SmartReviewError extends Error {
  override readonly name = 'SmartReviewError';
  readonly kind: 'http' | 'timeout' | 'network' | 'bad_response' | 'not_configured';
  readonly status: number | undefined;
  constructor(
    kind: SmartReviewError['kind'],
    message: string,
    options?: { status?: number | undefined; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? {} : { cause: options.cause });
    this.kind = kind;
    this.status = options?.status;
  }
}
