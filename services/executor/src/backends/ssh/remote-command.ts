// The command lines the ssh backend sends. An SSH "exec" request carries one string that the remote
// user's login shell runs with `-c` (RFC 4254 §6.5), so every argument is single-quoted here; the
// argv itself is never re-parsed by a shell. Environment: `env -i` and an explicit list (issue #7
// item 5: "environment passed explicitly, never the worker's"). sshd's own AcceptEnv path is not
// used: it is off by default and would let the server's config decide what a command sees.

/** POSIX single-quoting: safe for any byte string without NUL (NUL is refused by layer 7). */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** First stdout line of a started command: its pid, which leads its process group (sshd setsid()s each session). */
export const PID_MARKER = 'hermes-pid ';
/** First stdout line when the cwd resolves outside the session root through a symbolic link. */
export const ESCAPE_MARKER = 'hermes-cwd-escape';
/** First stdout line when the cwd does not exist. */
export const NOCWD_MARKER = 'hermes-cwd-missing';

/** sshd refuses packets over 256 KiB (PACKET_MAX_SIZE); keep the exec request well under it. */
export const MAX_REMOTE_COMMAND_BYTES = 200 * 1024;

/** PATH of remote commands: the system directories, never the worker's PATH. */
export const REMOTE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface RemoteExec {
  readonly argv: readonly string[];
  /** Absolute remote directory, already resolved inside the session root (textually). */
  readonly cwd: string;
  /** The session root after symbolic links (`pwd -P`), which the real cwd must stay inside. */
  readonly rootReal: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * `cd` into the cwd, check where it really is (a symlink in the workspace must not lead out of
 * it), print the marker line with the shell's pid, then `exec env -i VARS argv…` so the command
 * keeps that pid and process group (a timeout kills the whole group).
 */
export function remoteExecCommand(spec: RemoteExec): string {
  const vars = Object.entries(spec.env).map(([k, v]) => shQuote(`${k}=${v}`));
  // `env` would read a first argument containing '=' as one more variable; run such a name via sh.
  const first = spec.argv[0] ?? '';
  const program = first.includes('=') ? ['/bin/sh -c \'exec "$0" "$@"\''] : [];
  const root = spec.rootReal === '/' ? '' : spec.rootReal;
  return [
    `cd -- ${shQuote(spec.cwd)} 2>/dev/null || { echo ${NOCWD_MARKER}; exit 126; }`,
    `case "$(pwd -P)/" in ${shQuote(root)}/*) ;; *) echo ${ESCAPE_MARKER}; exit 126;; esac`,
    `echo "${PID_MARKER}$$"`,
    ['exec env -i', ...vars, ...program, ...spec.argv.map(shQuote)].join(' '),
  ].join('; ');
}

/** Kills the process group the marker named (and its leader, should it have left the group). */
export function remoteKillCommand(pid: number): string {
  // `kill -9 -PID` (not `kill -KILL -- -PID`): dash, a common /bin/sh, rejects the `--` form.
  return `kill -9 -${pid} 2>/dev/null; kill -9 ${pid} 2>/dev/null; true`;
}

/** Creates the session directory (0700) and prints the workspace's real path. */
export function remoteOpenSessionCommand(sessionDir: string): string {
  const d = shQuote(sessionDir);
  return `umask 077 && mkdir -p -- ${d}/workspace ${d}/home ${d}/tmp && cd -- ${d}/workspace && pwd -P`;
}

export function remoteRemoveCommand(sessionDir: string): string {
  return `rm -rf -- ${shQuote(sessionDir)}`;
}

/** `$HOME` of the remote user, to resolve a `~/…` remote_dir once at start. */
export const REMOTE_HOME_COMMAND = 'printf %s "$HOME"';
