// Path classifiers shared by the hardline floor and the approval tier (hermes-behaviour.md §2, §3.1).

/** `/`, `//`, `/.`, `/./`, `/..`, `/*`, `//*`: every segment is empty, `.` or `..`, optionally a final `*`. */
export function isRootCollapse(p: string): boolean {
  if (!p.startsWith('/')) return false;
  const segs = p.split('/');
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i] as string;
    if (s === '' || s === '.' || s === '..') continue;
    if (s === '*' && i === segs.length - 1) continue;
    return false;
  }
  return true;
}

/** System directories whose deletion is on the floor: exactly these, or `<dir>/*` (§2). */
const SYSTEM_DIRS = new Set(['home', 'root', 'etc', 'usr', 'var', 'bin', 'sbin', 'boot', 'lib', 'lib64']);

/** Collapses `//`, `/./` and a trailing `/`; keeps `..` (resolving it needs the real tree). */
export function squashPath(p: string): string {
  let s = p.replace(/\/{2,}/g, '/').replace(/\/\.(?=\/|$)/g, '');
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s === '' ? '/' : s;
}

export function isSystemDir(p: string): boolean {
  let s = squashPath(p);
  if (s.endsWith('/*')) s = s.slice(0, -2);
  if (!s.startsWith('/')) return false;
  const rest = s.slice(1);
  return !rest.includes('/') && SYSTEM_DIRS.has(rest);
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal shell spelling `${HOME}`
const HOME_FORMS = ['~', '$HOME', '${HOME}'];

/** `~`, `~/`, `~/*`, `$HOME`, `${HOME}` (+ `/`, `/*`): the whole home directory. */
export function isHomeDir(p: string): boolean {
  let s = p.replace(/\/{2,}/g, '/');
  if (s.endsWith('/*')) s = s.slice(0, -2);
  else if (s.endsWith('/.')) s = s.slice(0, -2);
  if (s.endsWith('/') && s.length > 1) s = s.slice(0, -1);
  return HOME_FORMS.includes(s);
}

/**
 * Raw block device (§2): /dev/sd*, hd*, vd*, xvd*, nvme*, mmcblk*, md*, dm-*, loop*, nbd*, macOS [r]diskN,
 * /dev/mapper/<name>, /dev/disk/by-*\/<name>. `/dev/null`, `/dev/stdout`, ttys are not devices here.
 */
export function isRawDevice(p: string): boolean {
  const s = p.replace(/\/{2,}/g, '/');
  if (!s.startsWith('/dev/')) return false;
  const rest = s.slice(5);
  return /^(?:sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme[0-9]|mmcblk[0-9]|md[0-9]|dm-[0-9]|loop[0-9]|nbd[0-9]|r?disk[0-9]|mapper\/[^/]+$|disk\/by-(?:id|uuid|path|label|partuuid|partlabel)\/[^/]+$)/.test(
    rest,
  );
}

/** Home spellings folded to `~` so sensitive-path checks see one form (§3.3). */
export function foldHome(p: string, home?: string): string {
  let s = p.replace(/\\/g, '/');
  if (s.startsWith('$HOME')) s = `~${s.slice(5)}`;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal shell spelling `${HOME}`
  else if (s.startsWith('${HOME}')) s = `~${s.slice(7)}`;
  else if (s.startsWith('$HERMES_HOME')) s = `~/.hermes${s.slice(12)}`;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal shell spelling
  else if (s.startsWith('${HERMES_HOME}')) s = `~/.hermes${s.slice(14)}`;
  if (home) {
    const h = home.replace(/\\/g, '/').replace(/\/$/, '');
    if (h && (s === h || s.startsWith(`${h}/`))) s = `~${s.slice(h.length)}`;
  }
  return s.replace(/\/{2,}/g, '/');
}

export const SensitiveKind = {
  etc: 'etc',
  ssh: 'ssh',
  hermes: 'hermes',
  shellRc: 'shell-rc',
  credential: 'credential',
  projectEnv: 'project-env',
} as const;
export type SensitiveKind = (typeof SensitiveKind)[keyof typeof SensitiveKind];

const SHELL_RC = new Set([
  '.bashrc',
  '.zshrc',
  '.profile',
  '.bash_profile',
  '.zprofile',
  '.bash_login',
  '.zshenv',
  '.zlogin',
  '.bash_logout',
  '.kshrc',
  '.cshrc',
  '.tcshrc',
  '.config/fish/config.fish',
]);
const CRED_FILES = new Set(['.netrc', '.pgpass', '.npmrc', '.pypirc', '.git-credentials', '.dockercfg']);
const CRED_DIRS = ['.aws/', '.gnupg/', '.kube/', '.docker/', '.azure/', '.config/gh/', '.config/gcloud/'];

/** Classifies a write destination; `null` when it is an ordinary file. */
export function sensitiveTarget(target: string, home?: string): SensitiveKind | null {
  const p = foldHome(target, home);
  if (/^(?:\/private)?\/etc\//.test(squashPath(p)) || squashPath(p) === '/etc') return 'etc';
  if (/(?:^|\/)\.ssh\//.test(p)) return 'ssh';
  if (/^~\/\.hermes\/(?:\.env|config\.yaml)$/.test(p)) return 'hermes';
  const slash = p.lastIndexOf('/');
  const base = slash >= 0 ? p.slice(slash + 1) : p;
  if (SHELL_RC.has(base) || p.endsWith('/.config/fish/config.fish')) return 'shell-rc';
  if (CRED_FILES.has(base)) return 'credential';
  for (const d of CRED_DIRS) if (p.startsWith(`~/${d}`) || p.includes(`/${d}`) || p.startsWith(d)) return 'credential';
  if (base === '.env' || base.startsWith('.env.') || base === 'config.yaml') return 'project-env';
  return null;
}
