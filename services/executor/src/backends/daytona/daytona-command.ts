// The one string a Daytona toolbox session runs for a command. A toolbox session is a long-lived
// shell that runs each command string it is sent (daemon `process/session/{id}/exec`), so the
// command is wrapped in its own `sh -c` (an `exec` or `exit` must not end the session shell), every
// argument is single-quoted (the argv is never re-parsed), and the environment is `env -i` plus an
// explicit list (issue #7 item 6: "runs the command with an explicit env"; nothing of the daemon's).
import { shQuote } from '../ssh/remote-command.ts';

/** Exit status and stderr line when the cwd cannot be entered (like the ssh backend). */
export const DAYTONA_NOCWD_EXIT = 126;
export const DAYTONA_NOCWD_MESSAGE = 'hermes: working directory does not exist in the sandbox';

export interface DaytonaExec {
  readonly argv: readonly string[];
  /** Absolute sandbox path, already resolved inside the session root. */
  readonly cwd: string;
  /** Session root; created on demand so a fresh sandbox needs no set-up round trip. */
  readonly root: string;
  readonly env: Readonly<Record<string, string>>;
}

export function daytonaCommand(spec: DaytonaExec): string {
  return `sh -c ${shQuote(sandboxScript(spec))}`;
}

/**
 * The POSIX sh script both cloud shells run (daytona wraps it in `sh -c '…'`, modal passes it as
 * argv to `/bin/sh -c`): create the root, enter the cwd, optionally record the shell's pid (which
 * `exec` hands to the command) so a later kill can find it, then `exec env -i VARS argv…`.
 */
export function sandboxScript(spec: DaytonaExec & { readonly pidFile?: string }): string {
  const vars = Object.entries(spec.env).map(([k, v]) => shQuote(`${k}=${v}`));
  // `env` reads a first argument containing '=' as one more variable; run such a name via sh.
  const first = spec.argv[0] ?? '';
  const program = first.includes('=') ? ['/bin/sh -c \'exec "$0" "$@"\''] : [];
  return [
    `mkdir -p -- ${shQuote(spec.root)} 2>/dev/null`,
    `cd -- ${shQuote(spec.cwd)} 2>/dev/null || { echo ${shQuote(DAYTONA_NOCWD_MESSAGE)} >&2; exit ${DAYTONA_NOCWD_EXIT}; }`,
    ...(spec.pidFile ? [`echo $$ > ${shQuote(spec.pidFile)}`] : []),
    ['exec env -i', ...vars, ...program, ...spec.argv.map(shQuote)].join(' '),
  ].join('; ');
}
