import { ConfigError } from './errors.ts';

/**
 * One readable block for the CLI, no stack trace (issue #2: "A broken file yields ONE error
 * listing every problem with its key path and file"). Non-config errors get a one-line summary.
 */
export function formatConfigError(err: unknown): string {
  if (!(err instanceof ConfigError)) {
    const message = err instanceof Error ? err.message : String(err);
    return `hermes: could not load configuration: ${message}`;
  }
  const n = err.problems.length;
  const lines = [`hermes: invalid configuration (${n} problem${n === 1 ? '' : 's'}):`];
  for (const p of err.problems) lines.push(`  - ${p.path}: ${p.message}\n      at ${p.source}`);
  return lines.join('\n');
}
