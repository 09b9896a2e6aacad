/** What an API key may do (closed set). */
export const Scope = {
  /** RunCommand, GetRun, CancelRun (own runs). */
  run: 'run',
  /** ResolveApproval: answer asks (a human-facing tool). */
  approve: 'approve',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

export const SCOPES: readonly Scope[] = Object.values(Scope);

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}

/** Default per-key budget: 600 requests per minute (10/s sustained), fixed window. */
export const DEFAULT_RATE_PER_MINUTE = 600;
export const MAX_RATE_PER_MINUTE = 1_000_000;
