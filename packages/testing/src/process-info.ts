import { readdir, readFile } from 'node:fs/promises';

/** True while `pid` exists and is not a zombie (Linux /proc). */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return statField(stat, 2) !== 'Z';
  } catch {
    return false;
  }
}

// /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses.
function statField(stat: string, index: number): string | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[index - 2];
}

/** Live (non-zombie) pids whose process group is `pgid`: what a clean stop must leave empty. */
export async function processGroupMembers(pgid: number): Promise<number[]> {
  const members: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      if (statField(stat, 4) === String(pgid) && statField(stat, 2) !== 'Z') members.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return members;
}

/** Real uid of a running process, from /proc/<pid>/status. */
export async function processUid(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^Uid:\s+(\d+)/m.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}
