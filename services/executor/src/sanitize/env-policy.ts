// Which environment variable names a caller may set for a command. The grant binds argv, cwd,
// backend and session — not env — so env must not be able to change WHAT runs: loader and shell
// start-up hooks (`LD_PRELOAD`, `BASH_ENV`, exported bash functions, interpreter option variables)
// would let an un-approved payload ride along with an approved `bash -c 'ls'`. PATH is refused for
// the same reason (it decides which `ls` runs).

const REFUSED_NAMES: ReadonlySet<string> = new Set([
  'PATH',
  'BASH_ENV',
  'ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'PROMPT_COMMAND',
  'PS4',
  'IFS',
  'CDPATH',
  'GLOBIGNORE',
  'NODE_OPTIONS',
  'NODE_PATH',
  'PYTHONSTARTUP',
  'PYTHONPATH',
  'PYTHONHOME',
  'PYTHONINSPECT',
  'PERL5OPT',
  'PERL5LIB',
  'PERLLIB',
  'RUBYOPT',
  'RUBYLIB',
  'GCONV_PATH',
  'HOSTALIASES',
  'LOCALDOMAIN',
  'RES_OPTIONS',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'GIT_EXEC_PATH',
  'GIT_SSH_COMMAND',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'EDITOR',
  'VISUAL',
  'PAGER',
  'MANPAGER',
  'BROWSER',
]);

const REFUSED_PREFIXES: readonly string[] = ['LD_', 'DYLD_', 'BASH_FUNC_', 'GIT_CONFIG_'];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `name` may not be set by a caller, or undefined when it may. */
export function envNameProblem(name: string): string | undefined {
  if (!NAME.test(name)) return 'must match [A-Za-z_][A-Za-z0-9_]*';
  const upper = name.toUpperCase();
  if (REFUSED_NAMES.has(upper) || REFUSED_PREFIXES.some((p) => upper.startsWith(p))) {
    return 'changes which program runs or how it starts, which the grant does not cover';
  }
  return undefined;
}

/**
 * Host variables the local backend passes to a command (seed "MCP environment isolation" list,
 * applied to terminal commands too): everything else — provider keys, gateway tokens, DATABASE_URL,
 * REDIS_URL, NATS credentials, signing keys — is never inherited.
 */
export const INHERITED_HOST_VARS: readonly string[] = ['PATH', 'LANG', 'LC_ALL', 'TERM', 'TZ'];

/** Builds the environment of one command: a fixed safe base plus the caller's validated variables. */
export function buildCommandEnv(options: {
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  readonly user?: string;
  readonly tmpdir?: string;
  readonly requested: Readonly<Record<string, string>>;
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_HOST_VARS) {
    const v = options.hostEnv[name];
    if (v !== undefined) env[name] = v;
  }
  for (const [k, v] of Object.entries(options.hostEnv)) {
    if (k.startsWith('XDG_') && v !== undefined && !k.endsWith('_DIR') && !k.endsWith('_DIRS')) env[k] = v;
  }
  env.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  env.HOME = options.home;
  env.SHELL = '/bin/bash';
  if (options.user !== undefined) env.USER = options.user;
  if (options.tmpdir !== undefined) env.TMPDIR = options.tmpdir;
  for (const [k, v] of Object.entries(options.requested)) env[k] = v;
  return env;
}
