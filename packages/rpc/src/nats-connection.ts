import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { RpcLogger } from './logger.ts';

/** A NATS connection plus what the runtime needs to know about it: is the bus reachable right now. */
export interface BusConnection {
  readonly nc: NatsConnection;
  isConnected(): boolean;
  /** Drains subscriptions (in-flight handlers finish), then closes. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectBusOptions {
  readonly url: string;
  /** Connection name shown by the NATS server (`hermes-<service>`). */
  readonly name: string;
  readonly logger: RpcLogger;
  /** Wait for the server on first connect instead of failing (services may start before NATS). */
  readonly waitOnFirstConnect?: boolean;
  readonly reconnectTimeWaitMs?: number;
}

/**
 * Connects with unlimited reconnects: a dead or restarting NATS makes calls fail fast with UNAVAILABLE
 * (see NatsTransport), and once the server is back the client resubscribes by itself.
 */
export async function connectBus(options: ConnectBusOptions): Promise<BusConnection> {
  const nc = await connect({
    servers: options.url,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 250,
    reconnectJitter: 100,
    waitOnFirstConnect: options.waitOnFirstConnect ?? false,
    pingInterval: 10_000,
    maxPingOut: 2,
  });
  let connected = true;
  const log = options.logger;
  (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        connected = false;
        log.warn({ server: s.server }, 'message bus disconnected');
      } else if (s.type === 'reconnect') {
        connected = true;
        log.info({ server: s.server }, 'message bus reconnected');
      } else if (s.type === 'staleConnection') {
        connected = false;
      }
    }
  })().catch(() => {});
  nc.closed().then(() => {
    connected = false;
  });
  return {
    nc,
    isConnected: () => connected && !nc.isClosed(),
    drain: async () => {
      if (!nc.isClosed() && !nc.isDraining()) await nc.drain().catch(() => nc.close());
    },
    close: async () => {
      if (!nc.isClosed()) await nc.close();
    },
  };
}
