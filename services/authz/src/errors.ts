/** Problems the authz service reports to itself; callers only ever see RpcErrors built from these. */

/** A request field failed validation; the message names the field, never echoes the value. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** The pairing store (Postgres) could not be read or written. */
export class PairingStoreError extends Error {
  override readonly name = 'PairingStoreError';
  readonly operation: string;

  constructor(operation: string, options?: { cause?: unknown }) {
    super(`pairing store ${operation} failed`, options);
    this.operation = operation;
  }
}
