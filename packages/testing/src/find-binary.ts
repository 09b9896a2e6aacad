import { access, constants, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { BinaryNotFoundError } from './errors.ts';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds `name` in `extraDirs` first, then PATH, then /usr/sbin and /usr/local/sbin (Debian puts
 * nats-server and dockerd in sbin, which a non-login PATH may lack).
 */
export async function findBinary(name: string, extraDirs: readonly string[] = []): Promise<string> {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d.length > 0);
  const dirs = [...extraDirs, ...pathDirs, '/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  throw new BinaryNotFoundError(name, extraDirs);
}

/** Debian's postgresql packages install versioned binaries in /usr/lib/postgresql/<major>/bin. */
export async function postgresBinDirs(): Promise<string[]> {
  const root = '/usr/lib/postgresql';
  let versions: string[];
  try {
    versions = await readdir(root);
  } catch {
    return [];
  }
  return versions
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}
