// Layer 7 (input sanitization, issue #7 item 2): everything a caller sends is checked before the
// grant is even looked at, with INVALID_ARGUMENT errors that name the field and never echo a value.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { shellArgv } from '@hermes/security';
import { InvalidRunInputError } from '../errors.ts';
import { envNameProblem } from './env-policy.ts';
import { RunLimits } from './limits.ts';

/** What a Run asks for, after validation. `argv` is exactly what the grant must bind. */
export interface RunInput {
  readonly sessionId: string;
  /** Directory-safe name of the session's persistent workspace. */
  readonly taskKey: string;
  readonly argv: readonly string[];
  /** The cwd string as sent (and as approval signed it). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly stdin: Uint8Array | undefined;
  readonly messaging: boolean;
}

export interface RawRunInput {
  readonly sessionId: string;
  readonly argv: readonly string[];
  readonly script: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Milliseconds; 0 or undefined = default. */
  readonly timeoutMs: number | undefined;
  readonly stdin: Uint8Array;
  readonly messaging: boolean;
  readonly taskId: string;
}

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@=+-]*$/;
/** Hermes' workdir allowlist (reference §14) without the Windows `\`: no shell metacharacters. */
const CWD_CHARS = /^[A-Za-z0-9/_\-.~ +@=,:]+$/;
const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export function validateSessionId(sessionId: string, field = 'session_id'): string {
  if (sessionId.length === 0) throw new InvalidRunInputError(field, 'is required');
  if (utf8Bytes(sessionId) > RunLimits.maxSessionIdBytes) {
    throw new InvalidRunInputError(field, `longer than ${RunLimits.maxSessionIdBytes} bytes`);
  }
  if (!SESSION_ID.test(sessionId)) throw new InvalidRunInputError(field, 'may contain only A-Z a-z 0-9 _ . : @ = + -');
  return sessionId;
}

/**
 * A task id as a single path segment (reference §6: "task ids sanitized for paths"): safe characters
 * kept, anything else `_`; when that changed the id (or it was long), a hash suffix keeps two
 * different ids from landing in the same directory.
 */
export function taskKeyOf(taskId: string): string {
  let key = taskId.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[.]+/, '_');
  if (key !== taskId || key.length > 64) {
    const h = createHash('sha256').update(taskId, 'utf8').digest('hex').slice(0, 12);
    key = `${key.slice(0, 48)}-${h}`;
  }
  return key;
}

function validateArgv(raw: RawRunInput): readonly string[] {
  const hasArgv = raw.argv.length > 0;
  const hasScript = raw.script.length > 0;
  if (hasArgv === hasScript) throw new InvalidRunInputError('argv', 'set exactly one of argv and script');
  if (hasScript) {
    if (utf8Bytes(raw.script) > RunLimits.maxScriptBytes) {
      throw new InvalidRunInputError('script', `larger than ${RunLimits.maxScriptBytes} bytes`);
    }
    if (raw.script.includes('\0')) throw new InvalidRunInputError('script', 'contains a NUL byte');
    return shellArgv(raw.script);
  }
  if (raw.argv.length > RunLimits.maxArgs)
    throw new InvalidRunInputError('argv', `more than ${RunLimits.maxArgs} elements`);
  if (raw.argv[0] === '') throw new InvalidRunInputError('argv[0]', 'is empty');
  let total = 0;
  for (let i = 0; i < raw.argv.length; i++) {
    const a = raw.argv[i] as string;
    const n = utf8Bytes(a);
    if (n > RunLimits.maxArgBytes)
      throw new InvalidRunInputError(`argv[${i}]`, `larger than ${RunLimits.maxArgBytes} bytes`);
    if (a.includes('\0')) throw new InvalidRunInputError(`argv[${i}]`, 'contains a NUL byte');
    total += n + 1;
  }
  if (total > RunLimits.maxArgvBytes)
    throw new InvalidRunInputError('argv', `larger than ${RunLimits.maxArgvBytes} bytes in total`);
  return [...raw.argv];
}

function validateEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const names = Object.keys(env);
  if (names.length > RunLimits.maxEnvVars)
    throw new InvalidRunInputError('env', `more than ${RunLimits.maxEnvVars} variables`);
  let total = 0;
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = env[name] as string;
    if (utf8Bytes(name) > RunLimits.maxEnvNameBytes) {
      throw new InvalidRunInputError('env', `a name is longer than ${RunLimits.maxEnvNameBytes} bytes`);
    }
    const problem = envNameProblem(name);
    // The name is the caller's own key, not a secret: naming it makes the error actionable.
    if (problem) throw new InvalidRunInputError(`env.${name}`, problem);
    const n = utf8Bytes(value);
    if (n > RunLimits.maxEnvValueBytes)
      throw new InvalidRunInputError(`env.${name}`, `value larger than ${RunLimits.maxEnvValueBytes} bytes`);
    if (value.includes('\0')) throw new InvalidRunInputError(`env.${name}`, 'value contains a NUL byte');
    total += utf8Bytes(name) + n + 2;
    out[name] = value;
  }
  if (total > RunLimits.maxEnvBytes)
    throw new InvalidRunInputError('env', `larger than ${RunLimits.maxEnvBytes} bytes in total`);
  return out;
}

/** Checks the cwd's characters (the path itself is resolved per backend by {@link resolveCwd}). */
export function validateCwdText(cwd: string): string {
  if (cwd.length === 0) return cwd;
  if (utf8Bytes(cwd) > RunLimits.maxCwdBytes)
    throw new InvalidRunInputError('cwd', `longer than ${RunLimits.maxCwdBytes} bytes`);
  if (!CWD_CHARS.test(cwd)) {
    const bad = [...cwd].find((c) => !CWD_CHARS.test(c)) ?? '?';
    const shown = /^[\x21-\x7e]$/.test(bad)
      ? `'${bad}'`
      : `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new InvalidRunInputError(
      'cwd',
      `contains disallowed character ${shown}; use a simple filesystem path without shell metacharacters`,
    );
  }
  if (cwd.startsWith('~'))
    throw new InvalidRunInputError('cwd', 'use a path relative to the session workspace instead of ~');
  return cwd;
}

/**
 * Resolves `cwd` against the session's root (workspace, or MESSAGING_CWD for messaging sessions),
 * POSIX semantics. Absolute paths must already be inside the root; no `..` may leave it.
 */
export function resolveCwd(cwd: string, root: string): string {
  const normRoot = posix.resolve('/', root);
  if (cwd.length === 0) return normRoot;
  const target = posix.isAbsolute(cwd) ? posix.resolve(cwd) : posix.resolve(normRoot, cwd);
  if (target !== normRoot && !target.startsWith(normRoot === '/' ? '/' : `${normRoot}/`)) {
    throw new InvalidRunInputError('cwd', 'resolves outside the session workspace');
  }
  return target;
}

export function validateRunInput(raw: RawRunInput): RunInput {
  const sessionId = validateSessionId(raw.sessionId);
  const taskKey = taskKeyOf(raw.taskId.length > 0 ? raw.taskId : sessionId);
  if (utf8Bytes(raw.taskId) > RunLimits.maxSessionIdBytes) {
    throw new InvalidRunInputError('task_id', `longer than ${RunLimits.maxSessionIdBytes} bytes`);
  }
  const argv = validateArgv(raw);
  const cwd = validateCwdText(raw.cwd);
  const env = validateEnv(raw.env);
  let timeoutMs: number = RunLimits.defaultTimeoutMs;
  if (raw.timeoutMs !== undefined && raw.timeoutMs !== 0) {
    if (!Number.isFinite(raw.timeoutMs) || raw.timeoutMs < 0)
      throw new InvalidRunInputError('timeout', 'must be positive');
    if (raw.timeoutMs > RunLimits.maxTimeoutMs)
      throw new InvalidRunInputError('timeout', `longer than ${RunLimits.maxTimeoutMs / 1000} s`);
    timeoutMs = Math.max(1, Math.round(raw.timeoutMs));
  }
  if (raw.stdin.length > RunLimits.maxStdinBytes)
    throw new InvalidRunInputError('stdin', `larger than ${RunLimits.maxStdinBytes} bytes`);
  return {
    sessionId,
    taskKey,
    argv,
    cwd,
    env,
    timeoutMs,
    stdin: raw.stdin.length > 0 ? raw.stdin : undefined,
    messaging: raw.messaging,
  };
}
