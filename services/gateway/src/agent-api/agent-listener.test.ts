import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { Duplex } from 'node:stream';
import { test } from 'node:test';
import { Server, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { listenAgentApi } from './agent-listener.ts';

const ident = (b: Buffer) => b;

function echoServer(): Server {
  const server = new Server();
  server.addService(
    {
      echo: {
        path: '/t.T/Echo',
        requestStream: false,
        responseStream: false,
        requestSerialize: ident,
        requestDeserialize: ident,
        responseSerialize: ident,
        responseDeserialize: ident,
      },
    },
    { echo: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => cb(null, call.request) },
  );
  return server;
}

/** A TCP connection whose first write is sent in two pieces 30 ms apart (a split HTTP/2 preface). */
function splitFirstWrite(port: number): Duplex {
  const sock = netConnect(port, '127.0.0.1');
  let first = true;
  const d = new Duplex({
    read() {
      sock.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (!first) return void sock.write(chunk, cb);
      first = false;
      sock.write(chunk.subarray(0, 7));
      setTimeout(() => sock.write(chunk.subarray(7), cb), 30);
    },
    final(cb) {
      sock.end();
      cb();
    },
  });
  sock.on('data', (c: Buffer) => {
    if (!d.push(c)) sock.pause();
  });
  sock.on('end', () => d.push(null));
  sock.on('error', (e) => d.destroy(e));
  return d;
}

function grpcEcho(port: number, payload: Buffer, split: boolean): Promise<{ status: string; body: Buffer }> {
  const session = h2connect(`http://127.0.0.1:${port}`, split ? { createConnection: () => splitFirstWrite(port) } : {});
  session.on('error', () => {});
  return new Promise((resolve, reject) => {
    const s = session.request({
      ':method': 'POST',
      ':path': '/t.T/Echo',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const frame = Buffer.alloc(5 + payload.length);
    frame.writeUInt32BE(payload.length, 1);
    payload.copy(frame, 5);
    const chunks: Buffer[] = [];
    let status = '';
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('trailers', (t) => {
      status = String(t['grpc-status']);
    });
    s.on('end', () => {
      session.close();
      resolve({ status, body: Buffer.concat(chunks).subarray(5) });
    });
    s.on('error', reject);
    s.end(frame);
  });
}

test('one port: gRPC (h2c, also with the preface split across packets) and HTTP/1.1 both answer', async () => {
  const listener = await listenAgentApi({
    host: '127.0.0.1',
    port: 0,
    grpc: echoServer(),
    http: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('http-ok');
    },
  });
  try {
    const big = Buffer.alloc(256 * 1024, 7);
    for (const split of [false, true]) {
      const r = await grpcEcho(listener.port, Buffer.from(`hello-${split}`), split);
      assert.equal(r.status, '0');
      assert.equal(r.body.toString(), `hello-${split}`);
    }
    // Larger than one read: the bytes after the sniffed head come straight from the socket.
    const r = await grpcEcho(listener.port, big, true);
    assert.equal(r.status, '0');
    assert.ok(r.body.equals(big));
    const res = await fetch(`http://127.0.0.1:${listener.port}/x`);
    assert.equal(await res.text(), 'http-ok');
  } finally {
    await listener.close(100);
  }
});
