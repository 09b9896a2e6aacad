import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a running service actually listens, written to `$HERMES_HOME/run/<service>.json` (0600) once it
 * is up and removed when it stops. `hermes health` and the other CLI commands prefer it over the
 * configured port, so `port: 0` (any free port) works and nothing races for a port picked in advance.
 */
export interface ServiceEndpoints {
  readonly service: string;
  readonly pid: number;
  readonly grpc: string;
  readonly metrics: string | undefined;
}

function path(home: string, service: string): string {
  return join(home, 'run', `${service}.json`);
}

export function writeEndpoints(home: string, e: ServiceEndpoints): void {
  mkdirSync(join(home, 'run'), { recursive: true, mode: 0o700 });
  writeFileSync(path(home, e.service), `${JSON.stringify(e)}\n`, { mode: 0o600 });
}

export function removeEndpoints(home: string, service: string, pid: number): void {
  const current = readEndpoints(home, service);
  if (current?.pid === pid) rmSync(path(home, service), { force: true });
}

/** The endpoints of a live process serving `service`, or undefined (no file, unreadable, or its process is gone). */
export function readEndpoints(home: string, service: string): ServiceEndpoints | undefined {
  let e: ServiceEndpoints;
  try {
    e = JSON.parse(readFileSync(path(home, service), 'utf8')) as ServiceEndpoints;
  } catch {
    return undefined;
  }
  if (typeof e.grpc !== 'string' || typeof e.pid !== 'number') return undefined;
  try {
    process.kill(e.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
  }
  return e;
}
