// Approval tier, filesystem half (seed: recursive deletion, permissions, disk; hermes-behaviour.md §3.1).
import { type SensitiveKind, sensitiveTarget } from '../paths.ts';
import type { Finding, SimpleCommand } from '../types.ts';
import { flagSet, operands, pattern, show, tirith } from './finding.ts';

/** Hermes's own exemption: exactly `rm -f <tmp>/hermes-verify-*|hermes-ad-hoc-*`, one literal operand. */
const VERIFY_TMP = /^\/tmp\/hermes-(?:verify|ad-hoc)-[A-Za-z0-9._-]+$/;

export function deletionRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const name = argv[0] ?? '';
  if (name === 'rm') {
    const { short, long } = flagSet(argv);
    const ops = operands(argv);
    if (short.has('r') || short.has('R') || long.has('recursive')) {
      const varGlob = ops.find(
        (o) => /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?\/?\*?$/.test(o) || /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?\//.test(o),
      );
      if (varGlob)
        out.push(
          tirith(
            'blast_empty_var_glob',
            'info',
            'Deletion rooted at a variable',
            'If the variable is empty the path becomes absolute (/…)',
            varGlob,
            'Use the :? expansion (VAR:?) so an empty variable aborts',
          ),
        );
      out.push(
        pattern(
          'recursive_delete',
          'recursive delete',
          'high',
          show(cmd),
          'Delete specific files, or move them to a trash folder',
        ),
      );
    } else if (cmd.extraArgs) {
      out.push(
        pattern(
          'xargs_rm',
          'delete files listed at run time (xargs/find -exec rm)',
          'high',
          show(cmd),
          'Review the list first (drop rm, print the names)',
        ),
      );
    } else if (ops.some((o) => o.startsWith('/'))) {
      const exempt =
        argv.length === 3 &&
        argv[1] === '-f' &&
        ops.length === 1 &&
        VERIFY_TMP.test(ops[0] as string) &&
        !cmd.dynamic.some(Boolean);
      if (!exempt)
        out.push(
          pattern('delete_root_path', 'delete in root path', 'medium', show(cmd), 'Delete paths inside the project'),
        );
    }
    return;
  }
  if (name === 'find') {
    if (argv.includes('-delete')) {
      out.push(
        pattern('find_delete', 'find -delete (mass delete)', 'high', show(cmd), 'Run the same find with -print first'),
      );
    }
    return;
  }
  if (name === 'rsync' && argv.some((a) => a.startsWith('--delete') || a === '--remove-source-files')) {
    out.push(
      pattern('rsync_delete', 'rsync --delete (removes destination files)', 'medium', show(cmd), 'Add --dry-run first'),
    );
  }
}

/** chmod modes that make a file writable by others: numeric with o+w, or symbolic o/a + w. */
function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const o = Number(mode[mode.length - 1]);
    return (o & 2) === 2;
  }
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXstugo]*)$/.exec(clause);
    if (!m) continue;
    const who = m[1] as string;
    if ((m[2] === '+' || m[2] === '=') && (m[3] as string).includes('w') && (who.includes('o') || who.includes('a')))
      return true;
  }
  return false;
}

export function permissionRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const name = argv[0] ?? '';
  if (name === 'chmod') {
    const mode = operands(argv)[0];
    if (mode && worldWritable(mode))
      out.push(
        pattern('chmod_world_writable', 'world/other-writable permissions', 'high', show(cmd), 'Use 755/644 or u+w'),
      );
    return;
  }
  if (name === 'chown' || name === 'chgrp') {
    const { short, long } = flagSet(argv);
    const owner = operands(argv)[0] ?? '';
    if ((short.has('R') || long.has('recursive')) && /^root(?::|\.|$)/.test(owner)) {
      out.push(
        pattern(
          'chown_recursive_root',
          'recursive chown to root',
          'high',
          show(cmd),
          'chown only the files that need it',
        ),
      );
    }
  }
}

export function diskRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  if (argv[0] === 'dd' && argv.some((a) => a.startsWith('if='))) {
    out.push(pattern('disk_copy', 'disk copy', 'high', show(cmd), 'Use cp for regular files'));
  }
}

const KIND_TEXT: Record<SensitiveKind, [string, string]> = {
  etc: ['write_system_config', 'overwrite system config (/etc)'],
  ssh: ['write_ssh', 'overwrite SSH keys or config (~/.ssh)'],
  hermes: ['write_hermes_policy', 'overwrite Hermes secrets or security policy (~/.hermes)'],
  'shell-rc': ['write_shell_rc', 'overwrite a shell startup file'],
  credential: ['write_credentials', 'overwrite a credential file'],
  'project-env': ['write_project_env', 'overwrite project env/config file'],
};

/** Destinations a command writes to: redirects, tee operands, cp/mv/install destination, in-place edits. */
export function writeTargets(cmd: SimpleCommand): string[] {
  const out: string[] = [];
  for (const r of cmd.redirects) {
    if (!r.op.includes('>') || /^&?>&$/.test(r.op) || /^[0-9]+$/.test(r.target)) continue;
    out.push(r.target);
    // Windows spelling: bash eats the backslashes of `C:\Users\x\.ssh\k`; Hermes folds that path (§3.3).
    if (/^[A-Za-z]:\\/.test(r.raw)) out.push(r.raw);
  }
  const argv = cmd.argv;
  const name = argv[0] ?? '';
  if (name === 'tee') out.push(...operands(argv));
  else if (
    name === 'cp' ||
    name === 'mv' ||
    name === 'install' ||
    name === 'ln' ||
    name === 'rsync' ||
    name === 'scp'
  ) {
    const t = argv.findIndex((a) => a === '-t' || a === '--target-directory');
    if (t > 0 && argv[t + 1]) out.push(argv[t + 1] as string);
    else {
      const tt = argv.find((a) => a.startsWith('--target-directory='));
      if (tt) out.push(tt.slice(19));
      else {
        const ops = operands(argv).filter(
          (o, i, all) => !(name === 'install' && /^[0-7]{3,4}$/.test(o) && i < all.length - 1 && argv.includes('-m')),
        );
        if (ops.length >= 2) out.push(ops[ops.length - 1] as string);
      }
    }
  } else if (name === 'sed' || name === 'perl' || name === 'ruby') {
    const inPlace = argv.some((a) => a.startsWith('--in-place') || (!a.startsWith('--') && /^-[a-zA-Z]*i/.test(a)));
    // The sed script is an operand too; it never looks like a sensitive path, so every operand is checked.
    if (inPlace) out.push(...operands(argv));
  } else if (name === 'dd') {
    for (const a of argv) if (a.startsWith('of=')) out.push(a.slice(3));
  } else if (name === 'truncate') out.push(...operands(argv));
  return out;
}

export function sensitiveWriteRules(cmd: SimpleCommand, out: Finding[], home?: string): void {
  for (const t of writeTargets(cmd)) {
    const kind = sensitiveTarget(t, home);
    if (!kind) continue;
    const [rule, desc] = KIND_TEXT[kind];
    out.push(
      pattern(
        rule,
        desc,
        kind === 'project-env' ? 'medium' : 'high',
        `${show(cmd)} → ${t}`,
        'Write to a new file and let the user move it into place',
      ),
    );
  }
}
