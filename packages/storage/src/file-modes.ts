import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Creates `dir` as 0700 (or tightens it if it exists). PGlite's emscripten file system creates
 * files 0666 regardless of umask, so the private directory is what keeps other local users out;
 * `tightenTree` additionally brings existing files to 0600.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/** Directories 0700, files 0600, recursively. */
export async function tightenTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await chmod(path, 0o700);
        await tightenTree(path);
      } else if (entry.isFile()) {
        await chmod(path, 0o600);
      }
    }),
  );
}
