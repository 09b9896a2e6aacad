// Problems the executor reports to itself; callers only ever see the RpcErrors that
// `toExecutorRpcError` (server-side, one place) builds from these.

/** A request field failed layer-7 validation; the message names the field and never echoes the value. */
export class InvalidRunInputError extends Error {
  override readonly name = 'InvalidRunInputError';
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** The grant did not verify (forged, expired, replayed, bound to something else): nothing ran. */
export class GrantRefusedError extends Error {
  override readonly name = 'GrantRefusedError';
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** The backend cannot serve now (engine down, host unreachable, worker at capacity, shutting down). */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  readonly backend: string;
  constructor(backend: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.backend = backend;
  }
}

/** The backend is misconfigured (missing host, key, image); a restart with fixed config is needed. */
export class BackendConfigError extends Error {
  override readonly name = 'BackendConfigError';
  readonly backend: string;
  readonly key: string;
  constructor(backend: string, key: string, message: string) {
    super(`${backend}: ${key}: ${message}`);
    this.backend = backend;
    this.key = key;
  }
}

/** An SSH host key was unknown, changed or revoked: the connection was refused before authenticating. */
export class HostKeyRefusedError extends Error {
  override readonly name = 'HostKeyRefusedError';
  readonly host: string;
  readonly fingerprint: string;
  readonly reason: 'unknown' | 'changed' | 'revoked';
  constructor(host: string, fingerprint: string, reason: 'unknown' | 'changed' | 'revoked', knownHosts: string) {
    super(
      reason === 'changed'
        ? `host key for ${host} CHANGED (server now presents ${fingerprint}); refusing to connect. Update ${knownHosts} only if the change is expected`
        : reason === 'revoked'
          ? `host key ${fingerprint} of ${host} is marked @revoked in ${knownHosts}; refusing to connect`
          : `host key for ${host} is not pinned in ${knownHosts} (server presents ${fingerprint}); refusing to connect`,
    );
    this.host = host;
    this.fingerprint = fingerprint;
    this.reason = reason;
  }

  get changed(): boolean {
    return this.reason !== 'unknown';
  }
}

/** The process could not be started (binary missing, exec failed). The run produced nothing. */
export class SpawnFailedError extends Error {
  override readonly name = 'SpawnFailedError';
  readonly command: string;
  constructor(command: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.command = command;
  }
}

/** A run id, session or worker the caller named is not known here. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly what: string;
  constructor(what: string, message: string) {
    super(message);
    this.what = what;
  }
}

/** Every slot of this worker is busy; nothing was spent (the grant is still unused), so another try may land elsewhere. */
export class WorkerAtCapacityError extends Error {
  override readonly name = 'WorkerAtCapacityError';
  readonly workerId: string;
  readonly capacity: number;
  constructor(workerId: string, capacity: number) {
    super(`worker ${workerId} is at capacity (${capacity} runs); try again`);
    this.workerId = workerId;
    this.capacity = capacity;
  }
}
