// The gateway's operator plane (`hermes.gateway.v1.GatewayService` at services.gateway.grpc, or
// where a running gateway says it listens): shared by `hermes exec` and `hermes apikey`.
import type { HermesConfig } from '@hermes/config';
import { gatewayv1 } from '@hermes/proto';
import { type Client, createClient, GrpcTransport, RpcError } from '@hermes/rpc';
import type { CliIo } from '../cli-io.ts';
import { serviceTarget } from '../service-target.ts';

export type GatewayClient = Client<typeof gatewayv1.GatewayService>;

/** sysexits EX_UNAVAILABLE: the gateway did not answer. */
export const EXIT_UNAVAILABLE = 69;

/** Runs `fn` with a gateway client; unreachable gateway → exit 69 with a hint, other RPC errors → 1. */
export async function withGatewayClient(
  io: CliIo,
  config: HermesConfig,
  command: string,
  fn: (client: GatewayClient) => Promise<number>,
): Promise<number> {
  const target = serviceTarget(config, 'gateway');
  const transport = new GrpcTransport(target);
  try {
    return await fn(createClient(gatewayv1.GatewayService, transport, { caller: 'hermes-cli' }));
  } catch (err) {
    if (err instanceof RpcError) {
      const unreachable = err.codeName === 'UNAVAILABLE' && /connect|No connection|ECONNREFUSED/i.test(err.message);
      io.stderr.write(
        unreachable
          ? `hermes ${command}: the gateway at ${target} did not answer; is 'hermes up' (or 'hermes serve gateway') running?\n`
          : `hermes ${command}: ${err.codeName}: ${err.message}\n`,
      );
      return unreachable ? EXIT_UNAVAILABLE : 1;
    }
    throw err;
  } finally {
    await transport.close();
  }
}
