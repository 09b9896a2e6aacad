// Approval tier, system half: services, signals, git, containers, Hermes self-protection, packages, sudo,
// SQL, programs run by read tools, Windows verbs (hermes-behaviour.md §3.1).
import type { Finding, SimpleCommand } from '../types.ts';
import { flagSet, operands, pattern, show } from './finding.ts';

const GIT_GLOBAL_WITH_ARG = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--exec-path',
  '--super-prefix',
  '--config-env',
]);

/** `git [global options] <sub> …` → index of the subcommand. */
function gitSub(argv: readonly string[]): number {
  let i = 1;
  while (i < argv.length) {
    const a = argv[i] as string;
    if (!a.startsWith('-')) return i;
    i += GIT_GLOBAL_WITH_ARG.has(a) ? 2 : 1;
  }
  return -1;
}

function gitRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const s = gitSub(argv);
  if (s < 0) return;
  const sub = argv[s];
  const rest = argv.slice(s + 1);
  const ev = show(cmd);
  if (sub === 'reset' && rest.some((a) => /^--h(?:a(?:r(?:d)?)?)?$/.test(a))) {
    out.push(
      pattern(
        'git_reset_hard',
        'git reset --hard (destroys uncommitted work)',
        'medium',
        ev,
        'git stash first, or git reset --keep',
      ),
    );
  } else if (
    sub === 'push' &&
    rest.some((a) => a.startsWith('--forc') || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a) || /^\+[^+]/.test(a))
  ) {
    out.push(
      pattern(
        'git_force_push',
        'git force push',
        'medium',
        ev,
        'git push --force-with-lease after a fetch, or push a new branch',
      ),
    );
  } else if (sub === 'clean' && rest.some((a) => a === '--force' || /^-[a-zA-Z]*f/.test(a))) {
    out.push(
      pattern('git_clean_force', 'git clean -f (deletes untracked files)', 'medium', ev, 'git clean -n to preview'),
    );
  } else if (sub === 'branch') {
    const big = rest.some((a) => /^-[a-zA-Z]*D/.test(a));
    const del = rest.some((a) => a === '--delete' || /^-[a-zA-Z]*d/.test(a));
    const force = rest.some((a) => a === '--force' || /^-[a-zA-Z]*f/.test(a));
    if (big || (del && force))
      out.push(
        pattern(
          'git_branch_force_delete',
          'git branch force delete',
          'medium',
          ev,
          'git branch -d (refuses unmerged work)',
        ),
      );
  } else if (sub === 'checkout' && rest.includes('--') && rest[rest.length - 1] === '.') {
    out.push(pattern('git_checkout_discard', 'git checkout -- . (discards changes)', 'medium', ev, 'git stash'));
  }
}

const READONLY_DOCKER = new Set([
  'ps',
  'images',
  'info',
  'version',
  'inspect',
  'logs',
  'top',
  'stats',
  'events',
  'port',
  'diff',
  'history',
  'search',
  'ls',
]);

function dockerRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const name = argv[0] ?? '';
  const ev = show(cmd);
  // First operand after global options (`docker -H x ps` → ps).
  let i = 1;
  let remote = false;
  while (i < argv.length) {
    const a = argv[i] as string;
    if (!a.startsWith('-')) break;
    if (/^(?:-H|--host|--context|-c|--url|--connection|--identity)$/.test(a)) {
      remote = true;
      i += 2;
      continue;
    }
    if (
      /^(?:--host|--context|--url|--connection|--identity)=/.test(a) ||
      /^-H.+/.test(a) ||
      a === '-r' ||
      a === '--remote'
    )
      remote = true;
    i += /^(?:--config|-l|--log-level|--tlscacert|--tlscert|--tlskey)$/.test(a) ? 2 : 1;
  }
  let sub = argv[i] ?? '';
  let subIdx = i;
  if (name === 'docker-compose' || name === 'podman-compose') {
    sub = 'compose';
    subIdx = 0;
  }
  if (remote && !READONLY_DOCKER.has(sub)) {
    out.push(
      pattern(
        'docker_remote_daemon',
        'docker/podman pointed at another daemon (-H/--host/--context/--remote)',
        'medium',
        ev,
        'Run against the local daemon',
      ),
    );
  }
  if (sub === 'context' && argv[subIdx + 1] === 'use') {
    out.push(
      pattern(
        'docker_remote_daemon',
        'docker/podman pointed at another daemon (-H/--host/--context/--remote)',
        'medium',
        ev,
      ),
    );
  }
  if (sub === 'compose') {
    const verb = operands(argv, subIdx + 1).find((a) => ['restart', 'stop', 'kill', 'down', 'rm'].includes(a));
    if (verb)
      out.push(
        pattern(
          'docker_compose_lifecycle',
          'docker compose restart/stop/kill/down (container lifecycle)',
          'medium',
          ev,
        ),
      );
  } else if (
    ['restart', 'stop', 'kill'].includes(sub) ||
    (sub === 'container' && ['restart', 'stop', 'kill'].includes(argv[subIdx + 1] ?? ''))
  ) {
    out.push(pattern('docker_lifecycle', 'docker restart/stop/kill (container lifecycle)', 'medium', ev));
  }
}

const HERMES_GLOBAL_WITH_ARG = new Set(['-p', '--profile', '--config', '-c', '--home']);

function hermesRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const name = argv[0] ?? '';
  const ev = show(cmd);
  let sub: string[] = [];
  if (name === 'hermes') {
    let i = 1;
    while (i < argv.length && (argv[i] as string).startsWith('-'))
      i += HERMES_GLOBAL_WITH_ARG.has(argv[i] as string) ? 2 : 1;
    sub = argv.slice(i);
  } else if (/^python[0-9.]*$/.test(name) && argv[1] === '-m' && /^hermes/.test(argv[2] ?? '')) sub = argv.slice(3);
  if (sub.length > 0) {
    if (sub[0] === 'gateway' && ['stop', 'restart'].includes(sub[1] ?? '')) {
      out.push(
        pattern(
          'hermes_gateway_lifecycle',
          'stop/restart hermes gateway',
          'high',
          ev,
          'systemctl --user restart hermes-gateway',
        ),
      );
    }
    if (sub[0] === 'update') out.push(pattern('hermes_update', 'hermes update restarts gateway', 'high', ev));
    if (
      sub[0] === 'gateway' &&
      sub[1] === 'run' &&
      cmd.wrappers.some((w) => ['nohup', 'setsid'].includes(w[0] ?? ''))
    ) {
      out.push(
        pattern(
          'hermes_gateway_unmanaged',
          'start gateway outside systemd (backgrounded)',
          'high',
          ev,
          'systemctl --user restart hermes-gateway',
        ),
      );
    }
  }
}

function signalRules(cmd: SimpleCommand, out: Finding[], raw: readonly string[], fullText: string): void {
  const argv = cmd.argv;
  const name = argv[0] ?? '';
  const ev = show(cmd);
  const sigkill = (a: string) => /^-(?:9|KILL|SIGKILL)$/i.test(a);
  if (name === 'pkill' || name === 'killall') {
    const sIdx = argv.findIndex((a) => a === '-s' || a === '--signal');
    const s = sIdx > 0 ? (argv[sIdx + 1] ?? '') : '';
    const kill9 =
      argv.some(sigkill) ||
      /^(?:9|KILL|SIGKILL)$/i.test(s) ||
      argv.some((a) => /^--signal=(?:9|KILL|SIGKILL)$/i.test(a));
    const regex = name === 'killall' && argv.some((a) => a === '-r' || a === '--regexp');
    if (kill9 || regex)
      out.push(
        pattern(
          'force_kill',
          'force kill processes (pkill/killall -9)',
          'medium',
          ev,
          'Send SIGTERM to a specific pid',
        ),
      );
    if (operands(argv).some((o) => /hermes|gateway|cli\.py/i.test(o)))
      out.push(pattern('kill_hermes', 'kill hermes/gateway processes', 'high', ev));
  }
  if (name === 'kill' && raw.some((r) => /\$\(\s*(?:pgrep|pidof)\b|`\s*(?:pgrep|pidof)\b/.test(r))) {
    out.push(
      pattern(
        'kill_by_lookup',
        'kill via pgrep/pidof expansion',
        'medium',
        ev,
        'Kill a specific pid after checking it',
      ),
    );
  }
  if (name === 'systemctl' || name === 'service') {
    const ops = operands(argv);
    const verb = name === 'service' ? ops[1] : ops[0];
    if (verb && ['stop', 'restart', 'disable', 'mask', 'kill', 'isolate'].includes(verb.toLowerCase())) {
      out.push(
        pattern('service_stop', 'stop/restart system service', 'medium', ev, 'systemctl status to inspect first'),
      );
    }
  }
  if (name === 'launchctl') {
    const verb = (operands(argv)[0] ?? '').toLowerCase();
    // The label may be assigned earlier in the same input (`label=ai.hermes.gateway; launchctl bootout …$label`).
    const text = cmd.dynamic.some(Boolean) ? fullText : argv.join(' ');
    if (
      ['stop', 'kickstart', 'bootout', 'unload', 'kill', 'disable', 'remove'].includes(verb) &&
      /hermes/i.test(text) &&
      /gateway/i.test(text)
    ) {
      out.push(pattern('launchd_gateway', 'launchd hermes gateway lifecycle', 'high', ev));
    }
  }
}

const PKG_MANAGERS = new Set([
  'npm',
  'pnpm',
  'yarn',
  'pip',
  'pip3',
  'brew',
  'bun',
  'apt',
  'apt-get',
  'dnf',
  'yum',
  'gem',
  'cargo',
  'pipx',
  'uv',
]);
const PKG_WITH_ARG = new Set([
  '--prefix',
  '-C',
  '--dir',
  '--filter',
  '--cwd',
  '-w',
  '--workspace',
  '--registry',
  '--userconfig',
]);
const PKG_REMOVE = new Set(['uninstall', 'remove', 'rm', 'un', 'r', 'purge', 'autoremove', 'unlink', 'erase']);

function packageRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  if (!PKG_MANAGERS.has(argv[0] ?? '')) return;
  let i = 1;
  while (i < argv.length && (argv[i] as string).startsWith('-')) i += PKG_WITH_ARG.has(argv[i] as string) ? 2 : 1;
  const verb = argv[i];
  if (argv[0] === 'uv' && verb === 'pip' && PKG_REMOVE.has(argv[i + 1] ?? '')) {
    out.push(pattern('package_remove', 'package manager uninstall', 'medium', show(cmd)));
  } else if (verb && PKG_REMOVE.has(verb))
    out.push(pattern('package_remove', 'package manager uninstall', 'medium', show(cmd)));
}

function sudoRules(cmd: SimpleCommand, out: Finding[]): void {
  for (const w of cmd.wrappers) {
    if (w[0] !== 'sudo' && !(w[0] ?? '').endsWith('/sudo')) continue;
    const { short, long } = flagSet(w);
    if (short.has('S') || long.has('stdin')) {
      out.push({
        ...pattern(
          'sudo_stdin_password',
          'sudo password guessing via stdin (sudo -S)',
          'critical',
          w.join(' '),
          'Ask the user to run sudo in their own terminal; never pipe passwords',
        ),
        floor: true,
      });
    } else if (short.has('s') || short.has('A') || short.has('a') || long.has('askpass')) {
      out.push(pattern('sudo_shell_askpass', 'sudo with shell/askpass flags (-s/-A/-a)', 'medium', w.join(' ')));
    }
  }
  if (cmd.argv[0] === 'sudo' && cmd.argv.length > 1) {
    // `sudo -S` alone (nothing to run) still reads a password from stdin.
    const { short, long } = flagSet(cmd.argv);
    if (short.has('S') || long.has('stdin'))
      out.push({
        ...pattern('sudo_stdin_password', 'sudo password guessing via stdin (sudo -S)', 'critical', show(cmd)),
        floor: true,
      });
  }
}

/** Read tools that execute programs (`rg --pre`, `sort --compress-program`, `man -P` …). */
function readToolRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  const has = (re: RegExp) => argv.slice(1).some((a) => re.test(a));
  if (
    (n === 'rg' && has(/^--(?:pre|hostname-bin)(?:=|$)/)) ||
    (n === 'sort' && has(/^--compress-program/)) ||
    (n === 'ag' && has(/^--pager/)) ||
    (n === 'man' && has(/^(?:-P|-H|--pager|--html)/))
  ) {
    out.push(pattern('read_tool_exec', 'read tool runs a program', 'medium', show(cmd)));
  }
}

const SQL_CLIENTS = new Set([
  'psql',
  'mysql',
  'mariadb',
  'sqlite3',
  'sqlite',
  'duckdb',
  'clickhouse-client',
  'cockroach',
  'sqlcmd',
  'mongosh',
  'pgcli',
  'mycli',
  'litecli',
  'usql',
  'bq',
  'snowsql',
  'trino',
  'presto',
  'spark-sql',
  'beeline',
  'cqlsh',
]);

/** SQL text this command runs: client arguments, stdin of a client, or the command line itself. */
export function sqlRules(cmd: SimpleCommand, out: Finding[]): void {
  const name = cmd.argv[0] ?? '';
  const texts: string[] = [];
  // SQL typed as a command line (`DROP DATABASE prod`). `truncate` is also coreutils (`truncate -s 0 f`), so
  // the SQL reading needs the upper-case spelling or `TABLE`.
  if (
    name === 'drop' ||
    name === 'delete' ||
    (name === 'truncate' && (cmd.path === 'TRUNCATE' || /^table$/i.test(cmd.argv[1] ?? '')))
  ) {
    texts.push([cmd.path, ...cmd.argv.slice(1)].join(' '));
  }
  if (SQL_CLIENTS.has(name)) {
    texts.push(...cmd.argv.slice(1));
    if (cmd.stdinText) texts.push(cmd.stdinText);
    for (const up of cmd.pipedFrom)
      if (up.argv[0] === 'echo' || up.argv[0] === 'printf' || up.argv[0] === 'cat')
        texts.push(...up.argv.slice(1), up.stdinText ?? '');
  }
  for (const t of texts) {
    for (const line of t.split('\n')) {
      const l = line.toUpperCase();
      if (/\bDROP\s+(?:TABLE|DATABASE|SCHEMA)\b/.test(l))
        out.push(pattern('sql_drop', 'SQL DROP TABLE/DATABASE', 'high', line, 'Rename or back up first'));
      if (/\bTRUNCATE\b/.test(l)) out.push(pattern('sql_truncate', 'SQL TRUNCATE', 'high', line));
      if (/\bDELETE\s+FROM\b/.test(l) && !/\bWHERE\b/.test(l))
        out.push(pattern('sql_delete_all', 'SQL DELETE without WHERE', 'high', line, 'Add a WHERE clause'));
    }
  }
}

function windowsRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  const ev = show(cmd);
  if (n === 'cmd') {
    const i = argv.findIndex((a) => /^\/[ck]$/i.test(a));
    const verb = (argv[i + 1] ?? '').toLowerCase();
    if (i > 0 && ['del', 'erase', 'rd', 'rmdir', 'format'].includes(verb))
      out.push(pattern('windows_cmd_delete', 'Windows cmd destructive delete', 'high', ev));
  }
  if (
    (n === 'powershell' || n === 'pwsh') &&
    argv.some((a) => /^-(?:e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedcommand)$/i.test(a))
  ) {
    out.push(
      pattern(
        'powershell_encoded',
        'PowerShell encoded command execution',
        'high',
        ev,
        'Pass the script in clear text',
      ),
    );
  }
  if (
    [
      'remove-item',
      'format-volume',
      'clear-disk',
      'diskpart',
      'vssadmin',
      'wbadmin',
      'bcdedit',
      'cipher',
      'icacls',
      'taskkill',
      'stop-process',
      'stop-service',
      'remove-itemproperty',
    ].includes(n)
  ) {
    out.push(pattern('windows_destructive', 'Windows destructive command', 'medium', ev));
  }
  if (n === 'reg' && (argv[1] ?? '').toLowerCase() === 'delete')
    out.push(pattern('windows_destructive', 'Windows destructive command', 'medium', ev));
}

/** Security controls switched off and persistence wiped (beyond Hermes's tier; clearly destructive). */
function hardeningRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  const a1 = (argv[1] ?? '').toLowerCase();
  if (n === 'crontab' && argv.includes('-r'))
    out.push(
      pattern(
        'crontab_remove',
        'crontab -r (deletes every cron job)',
        'medium',
        show(cmd),
        'crontab -l to review, then edit',
      ),
    );
  if (
    (n === 'iptables' || n === 'ip6tables' || n === 'nft') &&
    argv.some((a) => a === '-F' || a === '--flush' || a === 'flush')
  ) {
    out.push(pattern('firewall_disable', 'firewall disabled or flushed', 'medium', show(cmd)));
  }
  if (
    (n === 'ufw' && a1 === 'disable') ||
    (n === 'setenforce' && a1 === '0') ||
    (n === 'systemctl' && argv.includes('firewalld') && /stop|disable|mask/.test(argv.join(' ')))
  ) {
    out.push(pattern('firewall_disable', 'firewall disabled or flushed', 'medium', show(cmd)));
  }
  if (n === 'chmod') {
    const mode = operands(argv)[0] ?? '';
    if (/^[0-7]?[4-7][0-7]{3}$/.test(mode) || /^[ugoa]*\+[rwxX]*s/.test(mode))
      out.push(pattern('chmod_setuid', 'setuid/setgid bit set', 'high', show(cmd)));
  }
  const isSudo = cmd.wrappers.some((w) => w[0] === 'sudo' || w[0] === 'doas');
  const sudoI = cmd.wrappers.some(
    (w) =>
      (w[0] === 'sudo' || w[0] === 'doas') && w.slice(1).some((x) => /^-[a-zA-Z]*[is]$/.test(x) && !x.startsWith('--')),
  );
  if (
    (isSudo &&
      (n === 'su' ||
        (['bash', 'sh', 'zsh', 'dash', 'ksh', 'fish'].includes(n) &&
          argv.length === 1 &&
          cmd.pipedFrom.length === 0))) ||
    (n === 'sudo' && argv.length === 2 && /^-[is]$/.test(argv[1] ?? ''))
  ) {
    out.push(pattern('sudo_shell_spawn', 'root shell via sudo', 'high', show(cmd)));
  } else if (sudoI && argv.length === 0)
    out.push(pattern('sudo_shell_spawn', 'root shell via sudo', 'high', show(cmd)));
}

export function systemRules(cmd: SimpleCommand, out: Finding[], rawWords: readonly string[], fullText = ''): void {
  hardeningRules(cmd, out);
  const name = cmd.argv[0] ?? '';
  if (name === 'git') gitRules(cmd, out);
  if (
    name === 'docker' ||
    name === 'podman' ||
    name === 'docker-compose' ||
    name === 'podman-compose' ||
    name === 'nerdctl'
  )
    dockerRules(cmd, out);
  hermesRules(cmd, out);
  signalRules(cmd, out, rawWords, fullText);
  packageRules(cmd, out);
  sudoRules(cmd, out);
  readToolRules(cmd, out);
  sqlRules(cmd, out);
  windowsRules(cmd, out);
  for (const a of cmd.assignments) {
    if (['DOCKER_HOST', 'DOCKER_CONTEXT', 'CONTAINER_HOST'].includes(a.name)) {
      out.push(
        pattern(
          'docker_remote_daemon',
          'docker/podman pointed at another daemon (-H/--host/--context/--remote)',
          'medium',
          `${a.name}=${a.value}`,
        ),
      );
    }
  }
}
