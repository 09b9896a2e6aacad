import type { Readable, Writable } from 'node:stream';

/** What a command may touch: the environment and the three standard streams (tests pass their own). */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Exit codes shared by every command. */
export const Exit = {
  ok: 0,
  failure: 1,
  /** Bad configuration (issue #2: "exit code 2"). */
  config: 2,
  /** Wrong command-line usage (sysexits EX_USAGE). */
  usage: 64,
} as const;
