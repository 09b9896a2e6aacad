import { z } from 'zod';
import {
  APPROVAL_MODES,
  DEFAULT_GATEWAY_HTTP_PORT,
  DEFAULT_GRPC_PORTS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_METRICS_PORTS,
  LOCAL_SANDBOXES,
  LOG_LEVELS,
  PLATFORMS,
  type Platform,
  SERVICE_NAMES,
  type ServiceName,
  TERMINAL_BACKENDS,
  UNATTENDED_MODES,
} from './constants.ts';

/*
 * The config schema mirrors `config.yaml` key for key (snake_case), so a problem's key path is
 * exactly what the operator typed. Defaults come from the seed; where the seed and Hermes's code
 * disagree the seed wins (approvals.mode manual, approvals.timeout 60 s).
 *
 * Objects use `.prefault({})` so a missing section is parsed from `{}` and its own field
 * defaults apply (zod 4 `.default()` would short-circuit and skip them).
 */

const port = z.number().int().min(0).max(65535);
const host = z.string().min(1).max(255);
const seconds = z.number().positive().max(86_400);
const nonEmpty = z.string().trim().min(1);
/** URLs are checked with WHATWG URL; the value is kept as typed. */
const url = z
  .string()
  .trim()
  .refine((v) => URL.canParse(v), { message: 'not a valid URL' });
/** A user id from an allowlist: no whitespace, commas or control characters. */
const userId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s,\p{Cc}]+$/u, { message: 'user ids may not contain spaces, commas or control characters' });
/** Scalars in env blocks are coerced to strings (`PORT: 8080` is common in YAML). */
const envValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

const smartSchema = z
  .object({
    /** OpenAI-compatible chat-completions endpoint of the guardian LLM (issue #6 item 4). */
    base_url: url.optional(),
    model: nonEmpty.optional(),
    api_key: nonEmpty.optional(),
    /** Strict timeout in seconds; an outage escalates to the human, never a silent allow/deny. */
    timeout: seconds.default(15),
  })
  .prefault({});

const grantsSchema = z
  .object({
    /** Key id of the active Ed25519 signing key (rotation, issue #6 item 5). */
    key_id: nonEmpty.optional(),
    /** Ed25519 private key (PEM or base64 PKCS#8) used by `approval` to sign grants. */
    signing_key: nonEmpty.optional(),
    /** Public keys by key id, used by executors to verify grants. */
    public_keys: z.record(z.string(), nonEmpty).default({}),
    /** Grant lifetime; issue #6 caps it at 60 s. */
    ttl_seconds: z.number().int().positive().max(60).default(30),
  })
  .prefault({});

const approvalsSchema = z
  .object({
    mode: z.enum(APPROVAL_MODES).default('manual'),
    /** Seed: "If no response arrives within the configured timeout (60 seconds by default), the command is denied." */
    timeout: seconds.default(60),
    /** Seed: "The default action for unattended execution is deny." */
    unattended_mode: z.enum(UNATTENDED_MODES).default('deny'),
    /** User deny globs, checked before YOLO and inside containers (reference §2). */
    deny: z.array(nonEmpty).default([]),
    smart: smartSchema,
    grants: grantsSchema,
  })
  .prefault({});

const sshSchema = z
  .object({
    host: nonEmpty.optional(),
    port: port.default(22),
    user: nonEmpty.optional(),
    /** Key-based auth only (issue #7 item 5). */
    key_path: nonEmpty.optional(),
    /** Pinned host keys; an unknown or changed key refuses to connect. */
    known_hosts: nonEmpty.optional(),
    keepalive_interval_ms: z.number().int().positive().default(15_000),
    /** Remote parent directory of the per-session directories. */
    remote_dir: nonEmpty.default('~/.hermes-sessions'),
  })
  .prefault({});

const terminalSchema = z
  .object({
    backend: z.enum(TERMINAL_BACKENDS).default('local'),
    docker_image: nonEmpty.default('nikolaik/python-nodejs:python3.11-nodejs20'),
    /** Seed defaults: 1 CPU, 5 GB RAM (MB), 50 GB disk (MB). */
    container_cpu: z.number().positive().default(1),
    container_memory: z.number().int().positive().default(5120),
    container_disk: z.number().int().positive().default(51200),
    /** Reference §6: `container_persistent: true` is the default. */
    container_persistent: z.boolean().default(true),
    local_sandbox: z.enum(LOCAL_SANDBOXES).default('none'),
    /** OCI runtime for the docker backend, e.g. `runsc` (gVisor). Unset = engine default. */
    docker_runtime: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, { message: 'not a runtime name' })
      .optional(),
    /** Network is off inside sandboxes unless configured (issue #7 item 4). */
    docker_network: z.boolean().default(false),
    /** Host env var names forwarded into containers (name-only, reference §6). */
    docker_forward_env: z.array(nonEmpty).default([]),
    ssh: sshSchema,
    singularity: z
      .object({ binary: z.enum(['apptainer', 'singularity']).default('apptainer'), image: nonEmpty.optional() })
      .prefault({}),
    modal: z.object({ token_id: nonEmpty.optional(), token_secret: nonEmpty.optional() }).prefault({}),
    daytona: z.object({ api_key: nonEmpty.optional(), api_url: url.optional() }).prefault({}),
    vercel_sandbox: z
      .object({
        token: nonEmpty.optional(),
        team_id: nonEmpty.optional(),
        project_id: nonEmpty.optional(),
        /** Vercel's API base (default https://api.vercel.com); set for a proxy or a test double. */
        api_url: url.optional(),
      })
      .prefault({}),
  })
  .prefault({});

const websiteBlocklistSchema = z
  .object({
    enabled: z.boolean().default(false),
    domains: z.array(nonEmpty).default([]),
    /** Files with one rule per line; relative paths resolve against HERMES_HOME (reference §11). */
    shared_files: z.array(nonEmpty).default([]),
  })
  .prefault({});

const securitySchema = z
  .object({
    tirith_enabled: z.boolean().default(true),
    tirith_path: nonEmpty.default('tirith'),
    tirith_timeout: seconds.default(5),
    /** Seed: "The default (true) lets commands proceed." */
    tirith_fail_open: z.boolean().default(true),
    /** Seed: "for any public-facing gateway deployment, leave this off". */
    allow_private_urls: z.boolean().default(false),
    website_blocklist: websiteBlocklistSchema,
  })
  .prefault({});

const mcpServerSchema = z
  .object({
    command: nonEmpty.optional(),
    args: z.array(envValue).default([]),
    /** Per-server credentials: the only env an MCP subprocess gets beyond the safe list (seed layer 4). */
    env: z.record(z.string(), envValue).default({}),
    url: url.optional(),
  })
  .refine((s) => s.command !== undefined || s.url !== undefined, {
    message: 'an MCP server needs either `command` or `url`',
  });

const platformSchema = z
  .object({
    /** `<PLATFORM>_ALLOWED_USERS`; unset (undefined) differs from an empty list. */
    allowed_users: z.array(userId).optional(),
    /** `<PLATFORM>_ALLOW_ALL_USERS`; the seed says never in production. */
    allow_all_users: z.boolean().default(false),
    bot_token: nonEmpty.optional(),
    /** Slack socket-mode app token. */
    app_token: nonEmpty.optional(),
    /** Signal: signal-cli REST endpoint and account. */
    http_url: url.optional(),
    account: nonEmpty.optional(),
  })
  .prefault({});

const platformsShape = Object.fromEntries(PLATFORMS.map((p) => [p, platformSchema])) as Record<
  Platform,
  typeof platformSchema
>;

const gatewaySchema = z
  .object({
    allowed_users: z.array(userId).optional(),
    allow_all_users: z.boolean().default(false),
    /** Seed: "Set the MESSAGING_CWD environment variable to a dedicated directory." */
    messaging_cwd: nonEmpty.optional(),
    platforms: z.object(platformsShape).prefault({}),
  })
  .prefault({});

const llmSchema = z
  .object({ base_url: url.optional(), model: nonEmpty.optional(), api_key: nonEmpty.optional() })
  .prefault({});

const runtimeSchema = z
  .object({
    nats_url: url.optional(),
    database_url: url.optional(),
    redis_url: url.optional(),
    log_level: z.enum(LOG_LEVELS).default('info'),
    otel_exporter_otlp_endpoint: url.optional(),
    /** Host every service listens on unless its own `host` is set. Loopback for embedded mode. */
    listen_host: host.default('127.0.0.1'),
    /** SIGTERM → stop accepting, drain, close, flush within this budget (HOUSE_STYLE rule 11). */
    shutdown_grace_ms: z.number().int().positive().max(600_000).default(10_000),
  })
  .prefault({});

const endpointSchema = (defaultPort: number) =>
  z.object({ host: host.optional(), port: port.default(defaultPort) }).prefault({});

const serviceSchema = (name: ServiceName) =>
  z
    .object({
      grpc: endpointSchema(DEFAULT_GRPC_PORTS[name]),
      metrics: endpointSchema(DEFAULT_METRICS_PORTS[name]),
      /** Oversized messages get RESOURCE_EXHAUSTED (issue #2, bad input). */
      max_message_bytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(DEFAULT_MAX_MESSAGE_BYTES),
      /** Only the gateway serves HTTP (the Agent API); ignored elsewhere. */
      http: endpointSchema(DEFAULT_GATEWAY_HTTP_PORT),
    })
    .prefault({});

const servicesShape = Object.fromEntries(SERVICE_NAMES.map((n) => [n, serviceSchema(n)])) as {
  [K in ServiceName]: ReturnType<typeof serviceSchema>;
};

const auditSchema = z
  .object({
    export: z
      .object({
        /** `s3://bucket/prefix` target for scheduled exports; unset = no scheduled export. */
        to: z
          .string()
          .regex(/^s3:\/\/[^/\s]+(\/\S*)?$/, { message: 'expected s3://bucket/prefix' })
          .optional(),
        interval_minutes: z.number().int().positive().default(60),
      })
      .prefault({}),
    s3: z
      .object({
        endpoint: url.optional(),
        region: nonEmpty.default('us-east-1'),
        access_key_id: nonEmpty.optional(),
        secret_access_key: nonEmpty.optional(),
        force_path_style: z.boolean().default(true),
      })
      .prefault({}),
  })
  .prefault({});

export const hermesConfigSchema = z.object({
  /** Resolved HERMES_HOME (absolute). Filled by the loader, not read from the file. */
  home: z.string(),
  approvals: approvalsSchema,
  terminal: terminalSchema,
  security: securitySchema,
  mcp_servers: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), mcpServerSchema).default({}),
  /** Permanent allowlist: exact command text or glob (reference §5). */
  command_allowlist: z.array(nonEmpty).default([]),
  gateway: gatewaySchema,
  /** `HERMES_YOLO_MODE`, read once at start and never from a tool's environment (reference, issue #6). */
  yolo_mode: z.boolean().default(false),
  llm: llmSchema,
  runtime: runtimeSchema,
  services: z.object(servicesShape).prefault({}),
  audit: auditSchema,
});

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

type ParsedConfig = z.output<typeof hermesConfigSchema>;

/** Endpoint with its host resolved (falls back to `runtime.listen_host`). */
export interface ResolvedEndpoint {
  host: string;
  port: number;
}

type ResolvedService = Omit<ParsedConfig['services'][ServiceName], 'grpc' | 'metrics' | 'http'> & {
  grpc: ResolvedEndpoint;
  metrics: ResolvedEndpoint;
  http: ResolvedEndpoint;
};

/** The deeply frozen, fully defaulted configuration every service receives. */
export type HermesConfig = DeepReadonly<
  Omit<ParsedConfig, 'services'> & { services: { [K in ServiceName]: ResolvedService } }
>;
