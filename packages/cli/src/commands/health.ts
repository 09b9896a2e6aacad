import { formatConfigError, loadConfig, SERVICE_NAMES } from '@hermes/config';
import { healthv1 } from '@hermes/proto';
import { createClient, GrpcTransport, RpcError } from '@hermes/rpc';
import type { CliIo } from '../cli-io.ts';
import { serviceTarget } from '../service-target.ts';

export const healthHelp = `Usage: hermes health [--json] [--timeout <ms>]

Asks every service's gRPC health endpoint (grpc.health.v1) at the configured host and port.
Exits 0 only when all seven answer SERVING.`;

const statusName = (s: number): string => healthv1.HealthCheckResponse_ServingStatus[s] ?? 'UNKNOWN';

export async function runHealth(argv: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  let timeoutMs = 2_000;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--timeout' && /^\d+$/.test(argv[i + 1] ?? '')) timeoutMs = Number(argv[++i]);
    else {
      io.stderr.write(`hermes health: unexpected argument '${a}'\n\n${healthHelp}\n`);
      return 64;
    }
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    io.stderr.write(`${formatConfigError(err)}\n`);
    return 2;
  }
  const results = await Promise.all(
    SERVICE_NAMES.map(async (name) => {
      const target = serviceTarget(config, name);
      const transport = new GrpcTransport(target);
      try {
        const client = createClient(healthv1.Health, transport, { route: 'grpc.health.v1' });
        const res = await client.check({ service: '' }, { timeoutMs });
        return { service: name, target, status: statusName(res.status) };
      } catch (err) {
        const why = err instanceof RpcError ? err.message : String(err);
        return { service: name, target, status: 'UNREACHABLE', error: why };
      } finally {
        await transport.close();
      }
    }),
  );
  const healthy = results.every((r) => r.status === 'SERVING');
  if (json) {
    io.stdout.write(`${JSON.stringify({ healthy, services: results })}\n`);
  } else {
    for (const r of results) {
      io.stdout.write(
        `${r.service.padEnd(10)} ${r.target.padEnd(21)} ${r.status}${'error' in r ? `  (${r.error})` : ''}\n`,
      );
    }
    io.stdout.write(healthy ? 'all services SERVING\n' : 'not all services are SERVING\n');
  }
  return healthy ? 0 : 1;
}
