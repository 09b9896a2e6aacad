/**
 * The pairing limits, each one a number from the seed ("User Authorization and DM Pairing") and the
 * Hermes reference (`gateway/pairing.py`, corpus/pairing-scenarios.json `parameters`).
 */
export const PAIRING_LIMITS = {
  /** Seed: "an 8-character pairing code". */
  codeLength: 8,
  /** Seed: "Each code expires after 1 hour". */
  codeTtlMs: 3_600_000,
  /** Seed: "Rate limited to 1 request per user per 10 minutes". */
  requestIntervalMs: 600_000,
  /** Seed: "Maximum 3 pending codes per platform at any time". */
  maxPendingPerPlatform: 3,
  /** Seed: "5 failed attempts trigger a 1-hour lockout". */
  maxFailedAttempts: 5,
  lockoutMs: 3_600_000,
  /**
   * A failure streak older than this is forgotten (Hermes keeps it until the next success or
   * lockout); four guesses per hour against at most three live codes in 32^8 is still ~1e-9 a day.
   */
  failureMemoryMs: 3_600_000,
} as const;

/** Input bounds for every RPC (issue #5 "Bad input"). */
export const INPUT_LIMITS = {
  userIdMaxLength: 256,
  displayNameMaxLength: 128,
} as const;
