import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readDotenv, readYamlConfig } from './config-file.ts';
import { SERVICE_NAMES } from './constants.ts';
import { deepFreeze } from './deep-freeze.ts';
import { ENV_VARS, parseEnvValue } from './env-vars.ts';
import { ConfigError, type ConfigProblem } from './errors.ts';
import { type HermesConfig, hermesConfigSchema } from './schema.ts';
import { findUnknownKeys } from './unknown-keys.ts';

/** Where the files came from, for `hermes config check`. `null` when the file does not exist. */
export interface ConfigFiles {
  readonly config_yaml: string | null;
  readonly dotenv: string | null;
}

/** What `loadConfig` returns: the frozen config plus what was noticed on the way. */
export type LoadedConfig = HermesConfig & {
  /** Non-fatal findings: `.env` permissions, unknown keys, risky settings. */
  readonly warnings: readonly string[];
  readonly files: ConfigFiles;
};

export interface LoadConfigFiles {
  /** Overrides `$HERMES_HOME` (default `~/.hermes`). */
  readonly home?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Set `value` at `path`, creating missing objects. Returns false when a non-object is in the way. */
function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): boolean {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (!isObject(next)) return false;
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
  return true;
}

function hasIn(target: unknown, path: readonly (string | number)[]): boolean {
  let node = target;
  for (const key of path) {
    if (!isObject(node) && !Array.isArray(node)) return false;
    if (!(String(key) in node)) return false;
    node = (node as Record<string, unknown>)[String(key)];
  }
  return true;
}

/**
 * Load the configuration once at start (HOUSE_STYLE rule 8). Sources, later wins:
 * schema defaults ← `$HERMES_HOME/config.yaml` ← `$HERMES_HOME/.env` ← `env`.
 *
 * Nothing else in the project reads `process.env`: callers pass it in, tests pass a literal.
 * Throws ONE `ConfigError` listing every problem with its key path and the file (and line) or
 * env var it came from; returns a deeply frozen object otherwise.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  files: LoadConfigFiles = {},
): LoadedConfig {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];

  const envHome = env.HERMES_HOME?.trim();
  const home = resolve(files.home ?? (envHome ? envHome : join(env.HOME?.trim() || homedir(), '.hermes')));

  const yamlFile = join(home, 'config.yaml');
  const yaml = readYamlConfig(yamlFile, problems);
  const dotenv = readDotenv(join(home, '.env'), problems);
  if (dotenv.readableByOthers) {
    warnings.push(`${dotenv.file} is readable by group or others; run: chmod 600 ${dotenv.file}`);
  }

  const merged: Record<string, unknown> = structuredClone(yaml.data);
  if ('home' in merged) {
    delete merged.home;
    warnings.push(`${yamlFile}: key \`home\` is ignored; set HERMES_HOME instead`);
  }
  for (const key of findUnknownKeys(hermesConfigSchema, merged)) {
    const line = yaml.lineOf(key);
    warnings.push(`unknown key \`${key.join('.')}\` in ${yamlFile}${line === undefined ? '' : `:${line}`} (ignored)`);
  }

  // Env layers: `.env` first, then the real environment, so the real environment wins.
  const envSources = new Map<string, string>();
  const layers: [Readonly<Record<string, string | undefined>>, (name: string) => string][] = [
    [dotenv.vars, (name) => `${dotenv.file} ${name}`],
    [env, (name) => `env ${name}`],
  ];
  for (const [vars, label] of layers) {
    for (const spec of ENV_VARS) {
      const raw = vars[spec.name];
      if (raw === undefined) continue;
      const text = raw.trim();
      // An empty assignment (`TELEGRAM_ALLOWED_USERS=`) means unset, as in shell and dotenv practice.
      if (text === '') continue;
      const parsed = parseEnvValue(spec.kind, text);
      const key = spec.path.join('.');
      if (!parsed.ok) {
        problems.push({ path: spec.name, source: label(spec.name), message: parsed.message });
        continue;
      }
      if (setIn(merged, spec.path, parsed.value)) envSources.set(key, label(spec.name));
    }
  }
  merged.home = home;

  const sourceOf = (path: readonly (string | number)[]): string => {
    for (let n = path.length; n > 0; n--) {
      const hit = envSources.get(path.slice(0, n).join('.'));
      if (hit !== undefined) return hit;
    }
    if (yaml.found && hasIn(yaml.data, path.slice(0, 1))) {
      const line = yaml.lineOf(path);
      return line === undefined ? yamlFile : `${yamlFile}:${line}`;
    }
    return 'defaults';
  };

  const result = hermesConfigSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      problems.push({ path: path.join('.') || '(root)', source: sourceOf(path), message: issue.message });
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);

  const parsed = result.data;
  const listen = parsed.runtime.listen_host;
  const services = Object.fromEntries(
    SERVICE_NAMES.map((name) => {
      const s = parsed.services[name];
      return [
        name,
        {
          ...s,
          grpc: { host: s.grpc.host ?? listen, port: s.grpc.port },
          metrics: { host: s.metrics.host ?? listen, port: s.metrics.port },
          http: { host: s.http.host ?? listen, port: s.http.port },
        },
      ];
    }),
  ) as HermesConfig['services'];

  warnings.push(...riskWarnings(parsed));
  const config = {
    ...parsed,
    services,
    warnings,
    files: { config_yaml: yaml.found ? yamlFile : null, dotenv: dotenv.found ? dotenv.file : null },
  };
  return deepFreeze(config) as LoadedConfig;
}

type Parsed = ReturnType<typeof hermesConfigSchema.parse>;

/** Settings the seed calls unsafe for production, or that cannot work as configured. */
function riskWarnings(c: Parsed): string[] {
  const out: string[] = [];
  // Seed: "Never use GATEWAY_ALLOW_ALL_USERS=true in production."
  if (c.gateway.allow_all_users) out.push('GATEWAY_ALLOW_ALL_USERS is on: every user may talk to the bot');
  for (const [name, p] of Object.entries(c.gateway.platforms)) {
    if (p.allow_all_users) out.push(`${name.toUpperCase()}_ALLOW_ALL_USERS is on: every ${name} user is authorized`);
  }
  if (c.yolo_mode)
    out.push('HERMES_YOLO_MODE is on: dangerous-command approval is bypassed (hardline rules still apply)');
  if (
    c.approvals.mode === 'smart' &&
    (c.approvals.smart.base_url === undefined || c.approvals.smart.model === undefined)
  ) {
    out.push(
      'approvals.mode is smart but approvals.smart.base_url/model are not set: every flagged command will go to a human',
    );
  }
  if (c.terminal.backend === 'ssh' && c.terminal.ssh.host === undefined) {
    out.push('terminal.backend is ssh but terminal.ssh.host is not set');
  }
  return out;
}
