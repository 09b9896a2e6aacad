/**
 * Closed sets shared by the config schema and its consumers. `as const` objects + unions
 * instead of `enum` (erasable syntax only, HOUSE_STYLE).
 */

/** Seed: "The approval system has three modes … Manual (default) … Smart … Off". */
export const APPROVAL_MODES = ['manual', 'smart', 'off'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/** What an unattended context does with a flagged command (reference §4: deny | approve). */
export const UNATTENDED_MODES = ['deny', 'approve'] as const;
export type UnattendedMode = (typeof UNATTENDED_MODES)[number];

/** Seed: "Hermes supports seven deployment backends". */
export const TERMINAL_BACKENDS = [
  'local',
  'docker',
  'ssh',
  'singularity',
  'modal',
  'daytona',
  'vercel-sandbox',
] as const;
export type TerminalBackend = (typeof TERMINAL_BACKENDS)[number];

/** Optional sandbox for the local backend (issue #7: a step beyond the seed). */
export const LOCAL_SANDBOXES = ['none', 'bubblewrap'] as const;
export type LocalSandbox = (typeof LOCAL_SANDBOXES)[number];

/** Seed: "Telegram, Discord, Slack, WhatsApp, or Signal" — a closed set (issue #5). */
export const PLATFORMS = ['telegram', 'discord', 'slack', 'whatsapp', 'signal'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The seven services and their fixed default ports (gRPC 7400+N, metrics 9400+N). */
export const SERVICE_NAMES = ['gateway', 'authz', 'agent', 'scanner', 'approval', 'executor', 'audit'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const DEFAULT_GRPC_PORTS: Readonly<Record<ServiceName, number>> = {
  gateway: 7400,
  authz: 7401,
  agent: 7402,
  scanner: 7403,
  approval: 7404,
  executor: 7405,
  audit: 7406,
};

export const DEFAULT_METRICS_PORTS: Readonly<Record<ServiceName, number>> = {
  gateway: 9400,
  authz: 9401,
  agent: 9402,
  scanner: 9403,
  approval: 9404,
  executor: 9405,
  audit: 9406,
};

/** The gateway's HTTP/JSON Agent API port. */
export const DEFAULT_GATEWAY_HTTP_PORT = 8080;

/**
 * Default per-message limit. NATS' default max_payload is 1 MiB, so a larger default would
 * let gRPC accept what the bus then refuses.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
