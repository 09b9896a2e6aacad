// Layer 7 (input sanitization) caps. Linux ARG_MAX is 2 MiB for argv + envp together and one
// string may not exceed MAX_ARG_STRLEN (128 KiB); staying well under both means a validated run
// never fails in execve with E2BIG, and a hostile caller cannot make a worker buffer megabytes.
export const RunLimits = {
  maxArgs: 4096,
  maxArgBytes: 128 * 1024,
  maxArgvBytes: 1024 * 1024,
  maxScriptBytes: 1024 * 1024,
  maxEnvVars: 128,
  maxEnvNameBytes: 128,
  maxEnvValueBytes: 32 * 1024,
  maxEnvBytes: 256 * 1024,
  maxCwdBytes: 4096,
  maxStdinBytes: 1024 * 1024,
  maxSessionIdBytes: 128,
  /** Hermes' terminal tool default (180 s) when the caller states none. */
  defaultTimeoutMs: 180_000,
  maxTimeoutMs: 60 * 60 * 1000,
  /** Output kept per stream before the rest is counted and dropped (the run goes on; truncated flag set). */
  maxOutputBytesPerStream: 1024 * 1024,
} as const;
