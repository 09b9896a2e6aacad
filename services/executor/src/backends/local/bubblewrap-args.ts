// `terminal.local_sandbox: bubblewrap` (issue #7 item 3, a step beyond the seed for hosts without
// Docker): each command runs in `bwrap` with a read-only system, only the session's own directories
// writable, private /tmp, new namespaces (no network unless allowed), a new terminal session (no
// TIOCSTI into the worker's tty) and death with the worker.

export interface BubblewrapOptions {
  /** Host directories the command may write (the session's workspace, home, tmp; MESSAGING_CWD). */
  readonly writable: readonly string[];
  readonly cwd: string;
  readonly network: boolean;
}

/** System paths mounted read-only when present. The rest of the host (HERMES_HOME, /root, /home, /var) is absent. */
const READ_ONLY_SYSTEM = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/opt'];
/** /etc is not mounted whole (shadow, ssh host keys, service configs); only what programs need to start. */
const READ_ONLY_ETC = [
  '/etc/passwd',
  '/etc/group',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/etc/nsswitch.conf',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/localtime',
  '/etc/alternatives',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/bash.bashrc',
  '/etc/profile',
  '/etc/inputrc',
  '/etc/mime.types',
];

export function bubblewrapArgs(options: BubblewrapOptions, argv: readonly string[]): string[] {
  const args = ['--die-with-parent', '--new-session', '--unshare-all'];
  if (options.network) args.push('--share-net');
  for (const p of READ_ONLY_SYSTEM) args.push('--ro-bind-try', p, p);
  for (const p of READ_ONLY_ETC) args.push('--ro-bind-try', p, p);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/run');
  for (const p of options.writable) args.push('--bind', p, p);
  args.push('--chdir', options.cwd, '--', ...argv);
  return args;
}
