// `make bench`: an empty RPC (Echo with empty request) over in-process, NATS and gRPC, side by side.
// Aim (issue #2): in-process p50 < 20 µs; NATS and gRPC p50 < 300 µs on the 2-core machines.
// Latency is measured one call at a time; throughput with 32 calls in flight.
import {
  connectBus,
  createClient,
  GrpcTransport,
  HealthRegistry,
  InProcessBus,
  NatsTransport,
  serveGrpc,
  serveNats,
  silentLogger,
  type Transport,
} from '@hermes/rpc';
import { EchoService, echoRegistration } from '@hermes/rpc/testing';
import { startNats } from '@hermes/testing';

const WARMUP = 2_000;
const SAMPLES = 10_000;
const THROUGHPUT_MS = 2_000;
const IN_FLIGHT = 32;

interface Row {
  transport: string;
  p50: number;
  p99: number;
  rps: number;
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

async function measure(name: string, transport: Transport): Promise<Row> {
  const client = createClient(EchoService, transport);
  for (let i = 0; i < WARMUP; i++) await client.echo({});
  const lat = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    await client.echo({});
    lat[i] = (performance.now() - t0) * 1000;
  }
  lat.sort();
  let done = 0;
  const until = performance.now() + THROUGHPUT_MS;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        await client.echo({});
        done++;
      }
    }),
  );
  const rps = done / ((performance.now() - t0) / 1000);
  return { transport: name, p50: pct(lat, 0.5), p99: pct(lat, 0.99), rps };
}

const rows: Row[] = [];

const bus = new InProcessBus();
bus.register(echoRegistration());
rows.push(await measure('in-process', bus));
await bus.close();

{
  await using nats = await startNats();
  const server = await connectBus({ url: nats.url, name: 'bench-server', logger: silentLogger });
  const client = await connectBus({ url: nats.url, name: 'bench-client', logger: silentLogger });
  const serving = serveNats(server, [echoRegistration()], silentLogger);
  await server.nc.flush();
  rows.push(await measure('nats', new NatsTransport(client)));
  await serving.stop();
  await server.close();
  await client.close();
}

{
  const serving = await serveGrpc({
    host: '127.0.0.1',
    port: 0,
    registrations: [echoRegistration()],
    health: new HealthRegistry(),
    logger: silentLogger,
  });
  const t = new GrpcTransport(serving.address);
  rows.push(await measure('grpc', t));
  await t.close();
  await serving.stop(100);
}

console.log(`empty RPC, ${SAMPLES} sequential calls for latency, ${IN_FLIGHT} in flight for throughput`);
console.log('transport     p50 µs    p99 µs     req/s');
for (const r of rows) {
  console.log(
    `${r.transport.padEnd(12)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(9)} ${Math.round(r.rps).toString().padStart(9)}`,
  );
}
