// Layer 7, input sanitization (seed: "validates working directories and parameters before
// execution"), done at the gateway before any scanner or approval work; the executor checks again
// (zero trust). Errors name the field, never echo its value.
import { TERMINAL_BACKENDS, type TerminalBackend } from '@hermes/config';
import { commonv1 } from '@hermes/proto';
import { InvalidRunRequestError } from '../errors.ts';

/** One argument of `bash -c` may not exceed MAX_ARG_STRLEN (128 KiB) on Linux. */
export const MAX_COMMAND_BYTES = 128 * 1024;
export const MAX_CWD_BYTES = 4096;
export const MAX_SESSION_ID_BYTES = 128;
/** Hermes caps a tool call at one hour. */
export const MAX_TIMEOUT_SECONDS = 3600;

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@=+-]*$/;
/** Hermes' workdir allowlist (reference §14): no shell metacharacters. */
const CWD_CHARS = /^[A-Za-z0-9/_\-.+@=,: ]*$/;

export interface SanitizedRun {
  readonly sessionId: string;
  readonly command: string;
  readonly backend: TerminalBackend;
  readonly cwd: string;
  readonly timeoutSeconds: number;
}

const BACKEND_BY_PROTO: ReadonlyMap<commonv1.Backend, TerminalBackend> = new Map([
  [commonv1.Backend.LOCAL, 'local'],
  [commonv1.Backend.DOCKER, 'docker'],
  [commonv1.Backend.SSH, 'ssh'],
  [commonv1.Backend.SINGULARITY, 'singularity'],
  [commonv1.Backend.MODAL, 'modal'],
  [commonv1.Backend.DAYTONA, 'daytona'],
  [commonv1.Backend.VERCEL_SANDBOX, 'vercel-sandbox'],
]);

export function backendFromProto(b: commonv1.Backend, fallback: TerminalBackend): TerminalBackend {
  if (b === commonv1.Backend.UNSPECIFIED) return fallback;
  const name = BACKEND_BY_PROTO.get(b);
  if (!name) throw new InvalidRunRequestError('backend', 'unknown backend');
  return name;
}

export function backendToProto(name: TerminalBackend): commonv1.Backend {
  for (const [k, v] of BACKEND_BY_PROTO) if (v === name) return k;
  return commonv1.Backend.UNSPECIFIED;
}

export function parseBackendName(name: string): TerminalBackend {
  if (!(TERMINAL_BACKENDS as readonly string[]).includes(name)) {
    throw new InvalidRunRequestError('backend', `one of ${TERMINAL_BACKENDS.join(', ')}`);
  }
  return name as TerminalBackend;
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export function sanitizeRun(input: {
  sessionId: string;
  command: string;
  backend: TerminalBackend;
  cwd: string;
  timeoutSeconds: number;
}): SanitizedRun {
  const { sessionId, command, cwd } = input;
  if (sessionId.length === 0) throw new InvalidRunRequestError('session_id', 'is required');
  if (bytes(sessionId) > MAX_SESSION_ID_BYTES) {
    throw new InvalidRunRequestError('session_id', `longer than ${MAX_SESSION_ID_BYTES} bytes`);
  }
  if (!SESSION_ID.test(sessionId)) {
    throw new InvalidRunRequestError('session_id', 'may contain only A-Z a-z 0-9 _ . : @ = + -');
  }
  if (command.trim().length === 0) throw new InvalidRunRequestError('command', 'is empty');
  if (bytes(command) > MAX_COMMAND_BYTES) {
    throw new InvalidRunRequestError('command', `larger than ${MAX_COMMAND_BYTES} bytes`);
  }
  if (command.includes('\0')) throw new InvalidRunRequestError('command', 'contains a NUL byte');
  if (bytes(cwd) > MAX_CWD_BYTES) throw new InvalidRunRequestError('cwd', `longer than ${MAX_CWD_BYTES} bytes`);
  if (!CWD_CHARS.test(cwd)) {
    throw new InvalidRunRequestError('cwd', 'use a simple filesystem path without shell metacharacters');
  }
  if (cwd.split('/').includes('..')) throw new InvalidRunRequestError('cwd', 'may not contain ..');
  if (!Number.isInteger(input.timeoutSeconds) || input.timeoutSeconds < 0) {
    throw new InvalidRunRequestError('timeout_seconds', 'must be a non-negative integer');
  }
  if (input.timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw new InvalidRunRequestError('timeout_seconds', `at most ${MAX_TIMEOUT_SECONDS}`);
  }
  return { sessionId, command, backend: input.backend, cwd, timeoutSeconds: input.timeoutSeconds };
}
