import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/** Absolute path of `name` on `pathVar` (the worker's PATH, passed in), or undefined. */
export async function findExecutable(name: string, pathVar: string | undefined): Promise<string | undefined> {
  if (isAbsolute(name)) {
    return (await access(name, constants.X_OK).then(
      () => true,
      () => false,
    ))
      ? name
      : undefined;
  }
  for (const dir of (pathVar ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    if (
      await access(p, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return p;
  }
  return undefined;
}
