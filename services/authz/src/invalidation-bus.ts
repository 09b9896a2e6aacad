import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { authzv1, type commonv1 } from '@hermes/proto';
import { type BusConnection, connectBus, type RpcLogger } from '@hermes/rpc';

/** Every replica subscribes (no queue group): one approval or revocation reaches all of them. */
export const INVALIDATION_SUBJECT = 'hermes.v1.authz.invalidate';

export interface Invalidation {
  readonly platform: commonv1.Platform;
  readonly userId: string;
}

/** How a replica tells the others that a (platform, user) decision changed. */
export interface InvalidationBus {
  publish(invalidation: Invalidation): Promise<void>;
  close(): Promise<void>;
}

export interface NatsInvalidationOptions {
  readonly url: string;
  readonly origin: string;
  readonly logger: RpcLogger;
  readonly subject?: string;
  readonly onInvalidate: (invalidation: Invalidation) => void;
  /** Told when delivery of invalidations may have been interrupted (and when it is back). */
  readonly onConnectivity: (connected: boolean) => void;
}

/**
 * NATS broadcast of cache invalidations on its own connection (the platform hands services a
 * request/reply transport, not a raw bus). While disconnected the replica cannot hear others'
 * invalidations, so it reports `onConnectivity(false)` and the cache stands aside until reconnect.
 */
export async function natsInvalidationBus(options: NatsInvalidationOptions): Promise<InvalidationBus> {
  const subject = options.subject ?? INVALIDATION_SUBJECT;
  const bus: BusConnection = await connectBus({
    url: options.url,
    name: `hermes-authz-invalidation-${options.origin.slice(0, 8)}`,
    logger: options.logger,
    waitOnFirstConnect: true,
  });
  const sub = bus.nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return;
      try {
        const m = fromBinary(authzv1.CacheInvalidationSchema, msg.data);
        options.onInvalidate({ platform: m.platform, userId: m.userId });
      } catch {
        // A malformed broadcast is dropped; cache entries still expire by TTL.
        options.logger.warn({ subject }, 'malformed cache invalidation dropped');
      }
    },
  });
  (async () => {
    for await (const s of bus.nc.status()) {
      if (s.type === 'disconnect' || s.type === 'staleConnection') options.onConnectivity(false);
      else if (s.type === 'reconnect') options.onConnectivity(true);
    }
  })().catch(() => {});
  await bus.nc.flush();
  return {
    async publish(inv) {
      const payload = toBinary(
        authzv1.CacheInvalidationSchema,
        create(authzv1.CacheInvalidationSchema, { platform: inv.platform, userId: inv.userId, origin: options.origin }),
      );
      bus.nc.publish(subject, payload);
      await bus.nc.flush();
    },
    async close() {
      sub.unsubscribe();
      await bus.drain();
    },
  };
}
