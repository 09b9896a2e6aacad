// Kills a local process tree (issue #7 item 1: "Per-run timeout kills the whole process tree").
// The command runs as the leader of its own process group (spawned detached), so one group kill
// reaches every child that stayed in it; children that left the group (setsid, daemonizing) are
// found through /proc by parent pid before the group is killed, and killed too.
import { readdir, readFile } from 'node:fs/promises';

async function parentMap(): Promise<Map<number, number[]>> {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return children; // not Linux: the group kill is all we have
  }
  await Promise.all(
    entries.map(async (e) => {
      if (!/^\d+$/.test(e)) return;
      try {
        const stat = await readFile(`/proc/${e}/stat`, 'utf8');
        // pid (comm) state ppid ... — comm may contain spaces and parentheses, so split after the last ')'.
        const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ppid = Number(after[1]);
        const list = children.get(ppid);
        if (list) list.push(Number(e));
        else children.set(ppid, [Number(e)]);
      } catch {
        // exited meanwhile
      }
    }),
  );
  return children;
}

/** Every descendant of `pid` (not including it), found by walking parent links. */
export async function descendantsOf(pid: number): Promise<number[]> {
  const map = await parentMap();
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop() as number;
    for (const c of map.get(p) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

function killQuietly(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // already gone
  }
}

/** SIGKILLs the group led by `pid`, and every descendant that left it. */
export async function killProcessTree(pid: number): Promise<void> {
  // Stop the leader and its group first, so nothing forks new children while we walk /proc.
  killQuietly(-pid, 'SIGSTOP');
  const stray = await descendantsOf(pid);
  for (const p of stray) killQuietly(p, 'SIGKILL');
  killQuietly(-pid, 'SIGKILL');
  killQuietly(pid, 'SIGKILL');
}

/** Kills what is left in a finished command's process group (background jobs must not outlive their run). */
export function killGroup(pid: number): void {
  killQuietly(-pid, 'SIGKILL');
}
