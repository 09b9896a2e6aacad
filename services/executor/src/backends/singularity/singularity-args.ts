// `singularity`/`apptainer` argv (issue #7 item 6: "via its CLI (--containall --no-home
// --cleanenv)"). --containall contains file systems, PID and IPC namespaces and the environment;
// --no-home keeps the worker user's home out; --cleanenv drops the worker's environment, so only
// the variables passed with --env reach the command (layer 4). The session's own directories are
// the only host paths bound in.

export interface SingularityExec {
  /** Image: a .sif path or a URI such as docker://debian:12 (`terminal.singularity.image`). */
  readonly image: string;
  /** Host directories of the session. */
  readonly workspace: string;
  readonly home: string;
  readonly tmp: string;
  /** Working directory inside the container (already resolved inside /workspace). */
  readonly cwd: string;
  readonly network: boolean;
  /** The complete environment of the command (base + the caller's validated variables). */
  readonly env: Readonly<Record<string, string>>;
}

/** Where the session workspace appears inside the container. */
export const SINGULARITY_WORKSPACE = '/workspace';
/** HOME inside the container (the session's own home directory, bound in). */
export const SINGULARITY_HOME = '/hermes-home';

export function singularityArgs(o: SingularityExec, argv: readonly string[]): string[] {
  const args = [
    'exec',
    '--containall',
    '--no-home',
    '--cleanenv',
    // /tmp and /var/tmp of the contained run live in the session's tmp directory, not the worker's.
    '--workdir',
    o.tmp,
    '--bind',
    `${o.workspace}:${SINGULARITY_WORKSPACE}`,
    '--bind',
    `${o.home}:${SINGULARITY_HOME}`,
    '--pwd',
    o.cwd,
  ];
  // "none" gives the container only a loopback interface (allowed unprivileged).
  if (!o.network) args.push('--net', '--network', 'none');
  for (const [k, v] of Object.entries(o.env)) args.push('--env', `${k}=${v}`);
  args.push(o.image, ...argv);
  return args;
}
