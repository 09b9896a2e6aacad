// Placeholder replaced by the command-security work (issue #3).
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}
export async function runCheck(_argv: readonly string[], io: CliIo): Promise<number> {
  io.stderr.write('hermes check: not available yet\n');
  return 2;
}
