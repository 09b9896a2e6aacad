import { PLATFORMS, SERVICE_NAMES } from './constants.ts';

/** How an environment variable's text becomes a config value. */
export const ENV_KINDS = ['string', 'lowercase', 'bool', 'int', 'number', 'list'] as const;
export type EnvKind = (typeof ENV_KINDS)[number];

/** One environment variable and the config key path it sets. */
export interface EnvVarSpec {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind: EnvKind;
}

const spec = (name: string, path: string, kind: EnvKind): EnvVarSpec => ({ name, path: path.split('.'), kind });

const platformVars = PLATFORMS.flatMap((p) => {
  const up = p.toUpperCase();
  return [
    spec(`${up}_ALLOWED_USERS`, `gateway.platforms.${p}.allowed_users`, 'list'),
    spec(`${up}_ALLOW_ALL_USERS`, `gateway.platforms.${p}.allow_all_users`, 'bool'),
    spec(`${up}_BOT_TOKEN`, `gateway.platforms.${p}.bot_token`, 'string'),
  ];
});

const serviceVars = SERVICE_NAMES.flatMap((s) => {
  const up = s.toUpperCase();
  return [
    spec(`HERMES_${up}_GRPC_HOST`, `services.${s}.grpc.host`, 'string'),
    spec(`HERMES_${up}_GRPC_PORT`, `services.${s}.grpc.port`, 'int'),
    spec(`HERMES_${up}_METRICS_HOST`, `services.${s}.metrics.host`, 'string'),
    spec(`HERMES_${up}_METRICS_PORT`, `services.${s}.metrics.port`, 'int'),
    spec(`HERMES_${up}_MAX_MESSAGE_BYTES`, `services.${s}.max_message_bytes`, 'int'),
  ];
});

/**
 * Every environment variable the platform reads, in one table. Names follow the seed and Hermes
 * where they exist (`GATEWAY_ALLOWED_USERS`, `<PLATFORM>_ALLOW_ALL_USERS`, `MESSAGING_CWD`,
 * `HERMES_YOLO_MODE`, `TIRITH_*`, `TERMINAL_SSH_*`); platform runtime vars are the usual
 * `NATS_URL`/`DATABASE_URL`/`REDIS_URL`/`OTEL_EXPORTER_OTLP_ENDPOINT`.
 */
export const ENV_VARS: readonly EnvVarSpec[] = [
  spec('NATS_URL', 'runtime.nats_url', 'string'),
  spec('DATABASE_URL', 'runtime.database_url', 'string'),
  spec('REDIS_URL', 'runtime.redis_url', 'string'),
  spec('LOG_LEVEL', 'runtime.log_level', 'lowercase'),
  spec('OTEL_EXPORTER_OTLP_ENDPOINT', 'runtime.otel_exporter_otlp_endpoint', 'string'),
  spec('HERMES_LISTEN_HOST', 'runtime.listen_host', 'string'),
  spec('HERMES_SHUTDOWN_GRACE_MS', 'runtime.shutdown_grace_ms', 'int'),
  spec('HERMES_GATEWAY_HTTP_HOST', 'services.gateway.http.host', 'string'),
  spec('HERMES_GATEWAY_HTTP_PORT', 'services.gateway.http.port', 'int'),
  ...serviceVars,
  spec('GATEWAY_ALLOWED_USERS', 'gateway.allowed_users', 'list'),
  spec('GATEWAY_ALLOW_ALL_USERS', 'gateway.allow_all_users', 'bool'),
  ...platformVars,
  spec('SLACK_APP_TOKEN', 'gateway.platforms.slack.app_token', 'string'),
  spec('SIGNAL_HTTP_URL', 'gateway.platforms.signal.http_url', 'string'),
  spec('SIGNAL_ACCOUNT', 'gateway.platforms.signal.account', 'string'),
  spec('MESSAGING_CWD', 'gateway.messaging_cwd', 'string'),
  // Reference §1: frozen at start so an `export` inside an agent shell cannot flip it.
  spec('HERMES_YOLO_MODE', 'yolo_mode', 'bool'),
  spec('HERMES_APPROVAL_MODE', 'approvals.mode', 'lowercase'),
  spec('HERMES_APPROVAL_TIMEOUT', 'approvals.timeout', 'number'),
  spec('HERMES_SMART_APPROVAL_BASE_URL', 'approvals.smart.base_url', 'string'),
  spec('HERMES_SMART_APPROVAL_MODEL', 'approvals.smart.model', 'string'),
  spec('HERMES_SMART_APPROVAL_API_KEY', 'approvals.smart.api_key', 'string'),
  spec('HERMES_GRANT_KEY_ID', 'approvals.grants.key_id', 'string'),
  spec('HERMES_GRANT_SIGNING_KEY', 'approvals.grants.signing_key', 'string'),
  spec('HERMES_LLM_BASE_URL', 'llm.base_url', 'string'),
  spec('HERMES_LLM_MODEL', 'llm.model', 'string'),
  spec('HERMES_LLM_API_KEY', 'llm.api_key', 'string'),
  // Reference §13: env overrides for the external scanner.
  spec('TIRITH_ENABLED', 'security.tirith_enabled', 'bool'),
  spec('TIRITH_BIN', 'security.tirith_path', 'string'),
  spec('TIRITH_TIMEOUT', 'security.tirith_timeout', 'number'),
  spec('TIRITH_FAIL_OPEN', 'security.tirith_fail_open', 'bool'),
  spec('TERMINAL_BACKEND', 'terminal.backend', 'lowercase'),
  spec('TERMINAL_SSH_HOST', 'terminal.ssh.host', 'string'),
  spec('TERMINAL_SSH_PORT', 'terminal.ssh.port', 'int'),
  spec('TERMINAL_SSH_USER', 'terminal.ssh.user', 'string'),
  spec('TERMINAL_SSH_KEY', 'terminal.ssh.key_path', 'string'),
  spec('MODAL_TOKEN_ID', 'terminal.modal.token_id', 'string'),
  spec('MODAL_TOKEN_SECRET', 'terminal.modal.token_secret', 'string'),
  spec('DAYTONA_API_KEY', 'terminal.daytona.api_key', 'string'),
  spec('DAYTONA_API_URL', 'terminal.daytona.api_url', 'string'),
  spec('VERCEL_TOKEN', 'terminal.vercel_sandbox.token', 'string'),
  spec('VERCEL_TEAM_ID', 'terminal.vercel_sandbox.team_id', 'string'),
  spec('VERCEL_PROJECT_ID', 'terminal.vercel_sandbox.project_id', 'string'),
  spec('AWS_ENDPOINT_URL_S3', 'audit.s3.endpoint', 'string'),
  spec('AWS_REGION', 'audit.s3.region', 'string'),
  spec('AWS_ACCESS_KEY_ID', 'audit.s3.access_key_id', 'string'),
  spec('AWS_SECRET_ACCESS_KEY', 'audit.s3.secret_access_key', 'string'),
];

export type EnvParseResult = { ok: true; value: unknown } | { ok: false; message: string };

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/**
 * Turn one env var's (already trimmed, non-empty) text into a config value. Strict: a boolean
 * is exactly true/false/1/0/yes/no (any case) — `ture` or `on` is a listed problem, never a
 * silent false. Messages never include the value (it may be a secret).
 */
export function parseEnvValue(kind: EnvKind, text: string): EnvParseResult {
  switch (kind) {
    case 'string':
      return { ok: true, value: text };
    case 'lowercase':
      return { ok: true, value: text.toLowerCase() };
    case 'bool': {
      const t = text.toLowerCase();
      if (TRUE_WORDS.has(t)) return { ok: true, value: true };
      if (FALSE_WORDS.has(t)) return { ok: true, value: false };
      return { ok: false, message: 'expected a boolean: true/false, 1/0 or yes/no' };
    }
    case 'int':
      return /^\d{1,15}$/.test(text)
        ? { ok: true, value: Number(text) }
        : { ok: false, message: 'expected a non-negative integer' };
    case 'number':
      return /^\d{1,15}(\.\d{1,9})?$/.test(text)
        ? { ok: true, value: Number(text) }
        : { ok: false, message: 'expected a non-negative number' };
    case 'list': {
      // Issue #5: "a malformed list is a startup error naming the variable, not a silent allow".
      const items = text.split(',').map((s) => s.trim());
      if (items.some((s) => s === '')) {
        return { ok: false, message: 'expected a comma-separated list without empty entries' };
      }
      return { ok: true, value: items };
    }
  }
}
