import { spawn } from 'node:child_process';

/**
 * Last-resort cleanup for processes the harness started, so no nats-server, postgres or
 * redis-server outlives the test run (issue #2 item 10: "everything it starts, it stops, whatever
 * the test outcome").
 *
 * Three layers, because no single one covers every way a test process ends:
 * 1. `stop()` on the handle (normal path, `await using`).
 * 2. `exit` and fatal-signal hooks in this process (uncaught error, Ctrl-C, node --test timeout).
 * 3. A detached `sh` watchdog per child that SIGKILLs the child's process group once this process
 *    is gone — the only layer that survives a SIGKILL of the test process itself.
 */

const live = new Map<number, { watchdog: number | undefined }>();
const FATAL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let hooksInstalled = false;

function killGroup(pid: number): void {
  // Children are spawned detached, so each leads its own process group: killing -pid also takes
  // postgres backends and anything else the server forked.
  // No fallback to the bare pid: after the leader exited that pid may belong to someone else,
  // whereas a live process-group id is never reused.
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // group already empty
  }
}

function killAllNow(): void {
  for (const [pid, entry] of live) {
    killGroup(pid);
    if (entry.watchdog !== undefined) {
      try {
        process.kill(entry.watchdog, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

function onFatalSignal(signal: NodeJS.Signals): void {
  killAllNow();
  // Only re-raise when nobody else handles the signal; otherwise their handler decides.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onFatalSignal);
    process.kill(process.pid, signal);
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of FATAL_SIGNALS) process.on(signal, onFatalSignal);
}

function removeHooksIfIdle(): void {
  if (!hooksInstalled || live.size > 0) return;
  hooksInstalled = false;
  process.removeListener('exit', killAllNow);
  for (const signal of FATAL_SIGNALS) process.removeListener(signal, onFatalSignal);
}

function startWatchdog(childPid: number): number | undefined {
  const script =
    'P=$1; C=$2; while kill -0 "$P" 2>/dev/null; do kill -0 "$C" 2>/dev/null || exit 0; sleep 1; done; ' +
    'kill -9 -"$C" 2>/dev/null; kill -9 "$C" 2>/dev/null; exit 0';
  const watchdog = spawn('sh', ['-c', script, 'hermes-reaper', String(process.pid), String(childPid)], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.on('error', () => {});
  watchdog.unref();
  return watchdog.pid;
}

/** Registers a detached child (a process-group leader) for cleanup however this process ends. */
export function trackProcess(pid: number): void {
  installHooks();
  live.set(pid, { watchdog: startWatchdog(pid) });
}

/** Called once the child has exited normally; stops its watchdog. */
export function untrackProcess(pid: number): void {
  const entry = live.get(pid);
  if (entry === undefined) return;
  live.delete(pid);
  if (entry.watchdog !== undefined) {
    try {
      process.kill(entry.watchdog, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  removeHooksIfIdle();
}

/** Sends SIGKILL to a process group, used when graceful shutdown took too long. */
export function forceKill(pid: number): void {
  killGroup(pid);
}

/** Pids currently tracked (for tests of the harness itself). */
export function trackedPids(): readonly number[] {
  return [...live.keys()];
}
