import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { MetricsServerError } from './errors.ts';

export { Registry } from 'prom-client';

export interface CreateMetricsRegistryOptions {
  /** Added as the `service` label on every metric. */
  readonly service: string;
  /** Process/runtime metrics (CPU, heap, event-loop lag). Default true; embedded mode collects them once. */
  readonly collectDefaults?: boolean;
}

/** One prom-client registry per service, never the global one, so embedded services stay apart. */
export function createMetricsRegistry(options: CreateMetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.collectDefaults ?? true) collectDefaultMetrics({ register: registry, prefix: 'hermes_' });
  return registry;
}

export interface StartMetricsServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Default 127.0.0.1; containers set 0.0.0.0 through config. */
  readonly host?: string;
  readonly registry: Registry;
}

export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serve `GET /metrics` in Prometheus text format; every other path is 404, other methods 405. */
export async function startMetricsServer(options: StartMetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const { registry } = options;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        // Never echo the collector's error to a scraper; it may name internals.
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
      },
    );
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(
        new MetricsServerError(
          `metrics server cannot listen on ${host}:${options.port}: ${err.code ?? err.message}`,
          host,
          options.port,
          {
            cause: err,
          },
        ),
      );
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
