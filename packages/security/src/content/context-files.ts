// Which project files are context files (issue #4 item 1): AGENTS.md (hierarchical), CLAUDE.md,
// .cursorrules, .cursor/rules/*.mdc, SOUL.md, .hermes.md / HERMES.md.

export const CONTEXT_FILE_NAMES: ReadonlySet<string> = new Set([
  'AGENTS.md',
  'CLAUDE.md',
  '.cursorrules',
  'SOUL.md',
  '.hermes.md',
  'HERMES.md',
]);

/** True for a path (POSIX or Windows separators) naming a context file. */
export function isContextFilePath(path: string): boolean {
  const parts = path.split(/[\\/]/);
  const base = parts[parts.length - 1] ?? '';
  if (CONTEXT_FILE_NAMES.has(base)) return true;
  const n = parts.length;
  return n >= 3 && parts[n - 3] === '.cursor' && parts[n - 2] === 'rules' && base.endsWith('.mdc') && base.length > 4;
}
