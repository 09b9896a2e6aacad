// Runs the external `tirith` binary (issue #3 item 5): `tirith check --json --non-interactive --shell posix
// -- <cmd>`, stdin closed, bounded by `security.tirith_timeout`, `security.tirith_fail_open` honoured
// exactly (no circuit breaker overrides it — the Hermes breaker is open issues #74922/#71350).
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import {
  DEFAULT_TIRITH_CONFIG,
  failureVerdict,
  interpretTirith,
  type TirithConfig,
  type TirithVerdict,
} from '../domain/tirith-verdict.ts';

export interface ExternalTirithDeps {
  /** Environment for PATH lookup and the child (HOUSE_STYLE rule 8: passed in, never read globally). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

const MAX_STDOUT = 4 * 1024 * 1024;

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Explicit path (contains a slash) is authoritative; a bare name is looked up on PATH. */
export async function resolveTirith(path: string, env: ExternalTirithDeps['env']): Promise<string | null> {
  if (path.includes('/') || isAbsolute(path)) return (await isExecutable(path)) ? path : null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, path);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

export async function runExternalTirith(
  command: string,
  config: TirithConfig,
  deps: ExternalTirithDeps,
  signal?: AbortSignal,
): Promise<TirithVerdict> {
  if (!config.enabled) return { action: 'allow', findings: [], skipped: true };
  const bin = await resolveTirith(config.path, deps.env);
  if (!bin) return failureVerdict(`tirith binary not found (${config.path})`, config.failOpen);
  return new Promise<TirithVerdict>((resolve) => {
    let stdout = '';
    let settled = false;
    const done = (v: TirithVerdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(v);
    };
    // TIRITH_INTERACTIVE is not forwarded: --non-interactive keeps the inline `TIRITH=0` bypass refused.
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(deps.env))
      if (v !== undefined && k !== 'TIRITH' && k !== 'TIRITH_INTERACTIVE') env[k] = v;
    const child = spawn(bin, ['check', '--json', '--non-interactive', '--shell', 'posix', '--', command], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env,
    });
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL');
        done(failureVerdict(`tirith timed out after ${config.timeoutSeconds} s`, config.failOpen));
      },
      Math.max(1, config.timeoutSeconds * 1000),
    );
    const onAbort = () => {
      child.kill('SIGKILL');
      done(failureVerdict('tirith check aborted', config.failOpen));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (stdout.length < MAX_STDOUT) stdout += d;
    });
    child.on('error', (e) => done(failureVerdict(`tirith could not start: ${e.message}`, config.failOpen)));
    child.on('close', (code, sig) => done(interpretTirith(code, sig, stdout, config.failOpen)));
  });
}

/** Object form for the scanner service: config injected once. */
export class ExternalTirith {
  readonly #config: TirithConfig;
  readonly #deps: ExternalTirithDeps;
  constructor(config: Partial<TirithConfig>, deps: ExternalTirithDeps) {
    this.#config = Object.freeze({ ...DEFAULT_TIRITH_CONFIG, ...config });
    this.#deps = deps;
  }
  get config(): TirithConfig {
    return this.#config;
  }
  check(command: string, signal?: AbortSignal): Promise<TirithVerdict> {
    return runExternalTirith(command, this.#config, this.#deps, signal);
  }
}
