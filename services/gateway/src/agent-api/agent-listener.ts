// One port (services.gateway.http.port) for both forms of the Agent API: a connection that opens
// with the HTTP/2 client preface is handed to grpc-js (h2c), anything else to node:http (HTTP/1.1
// JSON). Tools use whichever they have; the key check in front of both is the same (FrontDoor).
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import { grpcInjector } from './grpc-agent-server.ts';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export interface AgentListener {
  readonly host: string;
  readonly port: number;
  close(graceMs: number): Promise<void>;
}

export async function listenAgentApi(options: {
  host: string;
  port: number;
  grpc: GrpcServer;
  http: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
}): Promise<AgentListener> {
  const injector = grpcInjector(options.grpc);
  const http: HttpServer = createHttpServer({ keepAliveTimeout: 5_000 }, options.http);
  const sockets = new Set<Socket>();
  const net: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    // Small, latency-bound frames (stream events): no Nagle delay.
    socket.setNoDelay(true);
    socket.once('close', () => sockets.delete(socket));
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isH2 = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && seen.length < H2_PREFACE.length) return; // need more bytes to decide
      socket.off('data', onData);
      socket.pause();
      // Both servers get the socket itself with the sniffed bytes put back: node:http2 (Node ≥ 20)
      // first consumes what is already buffered in JS, then reads the native handle directly. An
      // earlier JS Duplex relay in between cost every gRPC frame a copy through JS streams
      // (~0.4 ms CPU per RunCommand, issue #8 Performance).
      socket.unshift(seen);
      if (isH2) injector.injectConnection(socket);
      else {
        http.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(options.port, options.host, () => {
      net.off('error', reject);
      resolve();
    });
  });
  const addr = net.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  return {
    host: options.host,
    port,
    close: async (graceMs) => {
      await new Promise<void>((resolve) => {
        net.close(() => resolve());
        injector.drain(graceMs);
        http.closeIdleConnections();
        const t = setTimeout(() => {
          injector.destroy();
          http.closeAllConnections();
          for (const s of sockets) s.destroy();
        }, graceMs);
        t.unref();
      });
      options.grpc.forceShutdown();
    },
  };
}
