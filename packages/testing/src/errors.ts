/**
 * Errors raised by the test harness. Each carries the service it concerns so a failing test run
 * says which piece of infrastructure could not be provided, and why.
 */

/** A required system binary (nats-server, postgres, redis-server, dockerd) could not be found. */
export class BinaryNotFoundError extends Error {
  override readonly name = 'BinaryNotFoundError';
  readonly binary: string;
  readonly searched: readonly string[];

  constructor(binary: string, searched: readonly string[], options?: { cause?: unknown }) {
    super(
      `${binary} not found (looked in: ${searched.join(', ') || 'PATH'}); install it (the Makefile's setup target apt-installs it) or set the matching *_URL variable`,
      options,
    );
    this.binary = binary;
    this.searched = searched;
  }
}

/** A service process was started but did not become ready (it exited, or timed out). */
export class InfraStartError extends Error {
  override readonly name = 'InfraStartError';
  readonly service: string;
  /** The last lines the process wrote, to tell a port clash from a bad flag. */
  readonly logTail: string;

  constructor(service: string, reason: string, logTail: string, options?: { cause?: unknown }) {
    super(
      `${service} did not start: ${reason}${logTail ? `\n--- last output of ${service} ---\n${logTail}` : ''}`,
      options,
    );
    this.service = service;
    this.logTail = logTail;
  }
}

/** An operation the handle cannot do, e.g. killing a server the harness did not start. */
export class HarnessUsageError extends Error {
  override readonly name = 'HarnessUsageError';
  readonly service: string;

  constructor(service: string, message: string, options?: { cause?: unknown }) {
    super(`${service}: ${message}`, options);
    this.service = service;
  }
}
