/** One problem found while loading the configuration. */
export interface ConfigProblem {
  /** Dotted key path in the effective config (e.g. `approvals.timeout`), or the env var name. */
  readonly path: string;
  /** Where the value came from: `<file>:<line>`, `<file>` or `env <NAME>` / `<.env file> <NAME>`. */
  readonly source: string;
  /** Human-readable reason. Never echoes the offending value (it may be a secret). */
  readonly message: string;
}

/**
 * The single error `loadConfig` throws: every problem found, not just the first
 * (issue #2 item 4: "A broken file yields ONE error listing every problem").
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];
  /** The CLI exits with this code on a config error (issue #2 acceptance: "exits 2"). */
  readonly exitCode = 2;

  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(
      `invalid configuration: ${problems.length} problem${problems.length === 1 ? '' : 's'}: ` +
        problems.map((p) => `${p.path} (${p.source}): ${p.message}`).join('; '),
      options,
    );
    this.problems = Object.freeze([...problems]);
  }
}
