export {
  APPROVAL_MODES,
  type ApprovalMode,
  DEFAULT_GATEWAY_HTTP_PORT,
  DEFAULT_GRPC_PORTS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_METRICS_PORTS,
  LOCAL_SANDBOXES,
  LOG_LEVELS,
  type LocalSandbox,
  type LogLevel,
  PLATFORMS,
  type Platform,
  SERVICE_NAMES,
  type ServiceName,
  TERMINAL_BACKENDS,
  type TerminalBackend,
  UNATTENDED_MODES,
  type UnattendedMode,
} from './constants.ts';
export { ENV_VARS, type EnvVarSpec } from './env-vars.ts';
export { ConfigError, type ConfigProblem } from './errors.ts';
export { formatConfigError } from './format-error.ts';
export { type ConfigFiles, type LoadConfigFiles, type LoadedConfig, loadConfig } from './load-config.ts';
export type { HermesConfig, ResolvedEndpoint } from './schema.ts';
export { MASK, maskSecrets, secretValues } from './secrets.ts';
