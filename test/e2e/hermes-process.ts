// Runs the real `hermes` command as a child process for end-to-end tests; killed however the test ends.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES } from '@hermes/config';
import { freePort } from '@hermes/testing';

export const HERMES_BIN = fileURLToPath(new URL('../../packages/cli/bin/hermes.js', import.meta.url));

export interface HermesProcess extends AsyncDisposable {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout+stderr match, rejects after `timeoutMs` or if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Sends a signal and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  exited(): Promise<number | string>;
}

export function spawnHermes(args: readonly string[], env: NodeJS.ProcessEnv): HermesProcess {
  const child = spawn(process.execPath, [HERMES_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exit = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    waitFor: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const tick = setInterval(() => {
          if (pattern.test(out) || pattern.test(err)) {
            clearInterval(tick);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearInterval(tick);
            reject(new Error(`hermes ${args.join(' ')} exited before printing ${pattern}:\n${out}\n${err}`));
          } else if (Date.now() - started > timeoutMs) {
            clearInterval(tick);
            reject(
              new Error(`hermes ${args.join(' ')} did not print ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`),
            );
          }
        }, 25);
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
    [Symbol.asyncDispose]: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}

/** Runs `hermes <args>` to completion. */
export function runHermes(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const p = spawnHermes(args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  return p.exited().then((code) => {
    clearTimeout(timer);
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  });
}

/**
 * A temporary HERMES_HOME whose config.yaml lets every service take any free loopback port (port 0;
 * the CLI finds them through `$HERMES_HOME/run/<service>.json`). `fixedPorts` picks ports in advance
 * instead, for tests about a port being taken.
 */
export async function tempHome(
  extraYaml = '',
  options: { fixedPorts?: boolean } = {},
): Promise<{ home: string; env: NodeJS.ProcessEnv } & AsyncDisposable> {
  const home = await mkdtemp(join(tmpdir(), 'hermes-home-'));
  const lines = ['services:'];
  for (const name of SERVICE_NAMES) {
    const [g, m] = options.fixedPorts ? [await freePort(), await freePort()] : [0, 0];
    lines.push(`  ${name}:`, `    grpc: { port: ${g} }`, `    metrics: { port: ${m} }`);
    // The gateway's Agent API listener too, so parallel tests never meet on 8080.
    if (name === 'gateway') lines.push(`    http: { port: ${options.fixedPorts ? await freePort() : 0} }`);
  }
  await writeFile(join(home, 'config.yaml'), `${lines.join('\n')}\n${extraYaml}`, { mode: 0o600 });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HERMES_HOME: home,
    LOG_LEVEL: 'warn',
  };
  return { home, env, [Symbol.asyncDispose]: () => rm(home, { recursive: true, force: true }) };
}
