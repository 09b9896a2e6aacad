// The canonical argv of an execution and its hash: what a grant binds (issue #6 item 5).
import { createHash } from 'node:crypto';

/**
 * The argv an executor runs for a shell command string. Approval signs the hash of exactly this
 * vector, so an executor that runs `command` through any other argv (another shell, extra flags)
 * fails the binding check instead of running something approval never saw.
 */
export function shellArgv(command: string): readonly string[] {
  return ['bash', '-c', command];
}

/**
 * Unambiguous byte encoding of an argv: each element as `<utf8 byte length>:<bytes>,` (a netstring),
 * prefixed by the element count. `["a b"]` and `["a", "b"]` encode differently; no separator can be
 * smuggled inside an element.
 */
export function canonicalArgv(argv: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`${argv.length};`)];
  for (const a of argv) {
    const b = Buffer.from(a, 'utf8');
    parts.push(Buffer.from(`${b.length}:`), b, Buffer.from(','));
  }
  return Buffer.concat(parts);
}

/** SHA-256 of {@link canonicalArgv}, base64url (43 characters). */
export function argvHash(argv: readonly string[]): string {
  return createHash('sha256').update(canonicalArgv(argv)).digest('base64url');
}
