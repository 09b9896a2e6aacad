import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { ConfigError, formatConfigError, type LoadedConfig, loadConfig, secretValues } from '@hermes/config';
import { createLogger, initTelemetry } from '@hermes/observability';
import { createRedactor } from '@hermes/security';
import { pino } from 'pino';
import { removeEndpoints, writeEndpoints } from './endpoints-file.ts';
import type { ServiceModule } from './service-module.ts';
import { type RunningPlatform, startPlatform } from './start-platform.ts';
import { HERMES_VERSION } from './version.ts';

export interface ProcessIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Where SIGINT/SIGTERM come from (the process; tests pass an EventEmitter). */
  readonly signals: NodeJS.EventEmitter;
}

export interface RunPlatformOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly modules: readonly ServiceModule[];
  /** `hermes up`: everything in one process, banner with endpoints; `serve`: one service. */
  readonly mode: 'up' | 'serve';
  readonly io: ProcessIo;
  /** Resolves once the platform is up (tests and `hermes up --ready-file`). */
  readonly onReady?: (platform: RunningPlatform, config: LoadedConfig) => void;
}

/** Exit codes: 0 clean stop, 1 failed to start, 2 configuration error. */
export async function runPlatformProcess(options: RunPlatformOptions): Promise<number> {
  const { io } = options;
  let config: LoadedConfig;
  try {
    config = loadConfig(options.env);
  } catch (err) {
    io.stderr.write(`${formatConfigError(err)}\n`);
    return err instanceof ConfigError ? 2 : 1;
  }
  for (const w of config.warnings) io.stderr.write(`hermes: warning: ${w}\n`);
  const name = options.mode === 'up' ? 'hermes' : (options.modules[0]?.name ?? 'hermes');
  // `hermes up` prints its banner on stdout, so its logs go to stderr; a served service logs to stdout.
  const destination = options.mode === 'up' ? pino.destination({ fd: 2, sync: false }) : undefined;
  // One redactor for logs, audit records and tool output: known secret values plus token patterns.
  const redactor = createRedactor({ knownSecrets: secretValues(config) });
  const redactLine = (line: string) => redactor.redact(line);
  const loggerFor = (service: string) =>
    createLogger({ service, level: config.runtime.log_level, redactLine, ...(destination ? { destination } : {}) });
  const logger = loggerFor(name);
  const telemetry = initTelemetry({
    service: `hermes-${name}`,
    version: HERMES_VERSION,
    otlpEndpoint: config.runtime.otel_exporter_otlp_endpoint,
    logger,
  });
  // Embedded mode keeps its database under HERMES_HOME (0700 dir, 0600 files, set by @hermes/storage).
  const dataDir = config.runtime.database_url ? undefined : join(config.home, 'data', 'pglite');

  let platform: RunningPlatform;
  try {
    platform = await startPlatform({
      config,
      env: options.env,
      modules: options.modules,
      logger,
      loggerFor,
      redactor,
      ...(dataDir ? { dataDir } : {}),
    });
  } catch (err) {
    io.stderr.write(`hermes: could not start: ${describeStartError(err)}\n`);
    logger.error({ err }, 'start failed');
    await telemetry.shutdown(1_000);
    return 1;
  }
  for (const s of platform.services) {
    writeEndpoints(config.home, {
      service: s.name,
      pid: process.pid,
      grpc: s.grpc.address,
      metrics: s.metrics ? `${s.metrics.host}:${s.metrics.port}` : undefined,
    });
  }
  if (options.mode === 'up') io.stdout.write(banner(platform, config, dataDir));
  options.onReady?.(platform, config);

  const signal = await new Promise<string>((resolve) => {
    const once = (s: string) => () => resolve(s);
    io.signals.once('SIGINT', once('SIGINT'));
    io.signals.once('SIGTERM', once('SIGTERM'));
  });
  logger.info({ signal }, 'shutting down');
  // A second signal while draining means "now": the caller gets a non-zero exit at once.
  const forced = new Promise<number>((resolve) => {
    io.signals.once('SIGINT', () => resolve(130));
    io.signals.once('SIGTERM', () => resolve(143));
  });
  const grace = config.runtime.shutdown_grace_ms;
  const clean = (async () => {
    await platform.stop(grace);
    for (const s of platform.services) removeEndpoints(config.home, s.name, process.pid);
    await telemetry.shutdown(1_000);
    return 0;
  })();
  const code = await Promise.race([clean, forced]);
  if (options.mode === 'up') io.stdout.write(code === 0 ? 'hermes: stopped\n' : 'hermes: forced stop\n');
  return code;
}

function banner(platform: RunningPlatform, config: LoadedConfig, dataDir: string | undefined): string {
  const res = platform.resources.describe();
  const lines = [
    `hermes ${HERMES_VERSION} is up: ${platform.services.length} services on ${platform.bus === 'nats' ? 'NATS' : 'the in-process bus'}`,
    '',
    '  service    gRPC                  metrics',
  ];
  for (const s of platform.services) {
    const metrics = s.metrics ? `http://${s.metrics.host}:${s.metrics.port}/metrics` : '-';
    lines.push(`  ${s.name.padEnd(10)} ${s.grpc.address.padEnd(21)} ${metrics}`);
  }
  lines.push(
    '',
    `  home:      ${config.home}`,
    `  data:      ${dataDir ?? 'DATABASE_URL'} (${res.database})`,
    `  state:     ${res.ttlStore}`,
    '',
    "Check it with 'hermes health'. Press Ctrl-C to stop.",
    '',
  );
  return `${lines.join('\n')}\n`;
}

function describeStartError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { details?: string };
  const msg = e?.details ?? e?.message ?? String(err);
  if (/EADDRINUSE|address already in use|No address added/i.test(msg)) {
    return `${msg}\n  a port is already taken: is another hermes running? Change services.<name>.grpc.port / metrics.port in config.yaml.`;
  }
  return msg;
}
