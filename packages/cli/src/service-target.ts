import type { HermesConfig, ServiceName } from '@hermes/config';
import { readEndpoints } from '@hermes/platform';

/**
 * The gRPC address the CLI dials for a service: where a running process on this host says it listens
 * (`$HERMES_HOME/run/<service>.json`, so `port: 0` works), else the configured host and port.
 * A wildcard listen address is dialled on loopback.
 */
export function serviceTarget(config: HermesConfig, name: ServiceName): string {
  const running = readEndpoints(config.home, name)?.grpc;
  if (running) return running.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '127.0.0.1:');
  const { host, port } = config.services[name].grpc;
  return `${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
}
