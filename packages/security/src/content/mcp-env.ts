// MCP subprocess environment (issue #4 item 5; seed "MCP environment isolation"; hermes §6
// `_build_safe_env`). Only a short list of system variables passes from the parent; credentials
// reach a server only through its own `mcp_servers.<name>.env` block, with `${VAR}` filled from
// the platform's secrets. An unknown variable is an error, never a silent empty string.
import { McpEnvInterpolationError } from './errors.ts';
import type { Redactor } from './redactor.ts';

/** Parent variables an MCP server may inherit (seed list), plus any `XDG_*`. */
export const MCP_SAFE_ENV_NAMES: ReadonlySet<string> = new Set([
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'TERM',
  'SHELL',
  'TMPDIR',
]);

export interface McpEnvInput {
  /** Server name, used in error messages. */
  readonly server: string;
  /** The parent's environment (passed in, never read from process.env here). */
  readonly parentEnv: Readonly<Record<string, string | undefined>>;
  /** `mcp_servers.<name>.env` as written in config. */
  readonly serverEnv?: Readonly<Record<string, string>>;
  /** Platform secrets available to `${VAR}` / `${env:VAR}` interpolation. */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
}

export function isSafeMcpEnvName(name: string): boolean {
  return MCP_SAFE_ENV_NAMES.has(name) || name.startsWith('XDG_');
}

/** Replaces `${VAR}` and `${env:VAR}` from `secrets`; `$${` writes a literal `${`. */
export function interpolateMcpValue(
  server: string,
  key: string,
  value: string,
  secrets: Readonly<Record<string, string | undefined>>,
): string {
  return value.replace(
    /\$(\$)?\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}/g,
    (whole, escaped: string | undefined, name: string) => {
      if (escaped) return whole.slice(1);
      const v = Object.hasOwn(secrets, name) ? secrets[name] : undefined;
      if (v === undefined) throw new McpEnvInterpolationError(server, key, name);
      return v;
    },
  );
}

/** Builds the environment for one MCP subprocess; the server's own block wins over inherited names. */
export function buildMcpEnv(input: McpEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.parentEnv)) {
    if (value !== undefined && isSafeMcpEnvName(name)) env[name] = value;
  }
  for (const [key, value] of Object.entries(input.serverEnv ?? {})) {
    env[key] = interpolateMcpValue(input.server, key, value, input.secrets ?? {});
  }
  return env;
}

/** Error text coming back from an MCP server is redacted before the model or a log sees it. */
export function redactMcpError(text: string, redactor: Redactor): string {
  return redactor.redact(text);
}
