// Shared by the pipeline e2e tests and bench: the platform started as real processes, embedded
// (`hermes up`) or distributed (`hermes serve <svc>` each against real NATS, Postgres and Redis),
// plus two small Agent API clients: HTTP/JSON (fetch, NDJSON) and gRPC over raw HTTP/2 (so the test
// speaks the wire protocol a tool would, with `authorization` metadata).
import { generateKeyPairSync } from 'node:crypto';
import { type ClientHttp2Session, connect as h2connect } from 'node:http2';
import type { TerminalBackend } from '@hermes/config';
import { readEndpoints } from '@hermes/platform';
import { createTestDatabase, freePort, startNats, startPostgres, startRedis } from '@hermes/testing';
import { type HermesProcess, runHermes, spawnHermes, tempHome } from './hermes-process.ts';

export type Mode = 'embedded' | 'distributed';

export interface PipelinePlatform extends AsyncDisposable {
  readonly mode: Mode;
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  /** host:port of the Agent API listener (gRPC h2c + HTTP/JSON). */
  readonly agentApi: string;
  /** Everything every process printed so far (logs at info). */
  logs(): string;
  hermes(args: readonly string[], timeoutMs?: number): ReturnType<typeof runHermes>;
  createKey(name: string, scopes: string, extra?: readonly string[]): Promise<{ id: string; key: string }>;
  /** The executor's served Run calls, from its /metrics. */
  executorRuns(): Promise<number>;
}

/** Users the authz chain admits on platforms api/cli (GATEWAY_ALLOWED_USERS). */
export const TOOL = 'tool-bot';
export const HUMAN = 'human-ui';
export const TERMINAL_USER = 'e2e-operator';

function grantKeyEnv(): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    HERMES_GRANT_KEY_ID: 'e2e',
    HERMES_GRANT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

async function waitAgentApi(port: number, procs: readonly HermesProcess[]): Promise<void> {
  const until = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) return;
    } catch {}
    if (Date.now() > until) {
      throw new Error(`agent API never listened:\n${procs.map((p) => p.stderr() + p.stdout()).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitHealthy(env: NodeJS.ProcessEnv, procs: readonly HermesProcess[], services: readonly string[]) {
  const until = Date.now() + 90_000;
  for (;;) {
    const h = await runHermes(['health', '--json'], env);
    if (h.code === 0) return;
    try {
      const parsed = JSON.parse(h.stdout) as { services?: { service: string; status: string }[] };
      const ok = parsed.services?.filter((s) => services.includes(s.service)).every((s) => s.status === 'SERVING');
      if (ok && parsed.services && parsed.services.length > 0) return;
    } catch {}
    if (Date.now() > until) {
      throw new Error(
        `platform did not become healthy:\n${h.stdout}\n${procs.map((p) => p.stderr() + p.stdout()).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

function common(base: NodeJS.ProcessEnv, port: number, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...base,
    LOG_LEVEL: 'info',
    USER: TERMINAL_USER,
    GATEWAY_ALLOWED_USERS: `${TOOL},${HUMAN},${TERMINAL_USER}`,
    HERMES_GATEWAY_HTTP_PORT: String(port),
    // Short asks so the timeout case is quick; answers in the tests come well within it.
    HERMES_APPROVAL_TIMEOUT: '4',
    ...extra,
  };
}

function platformOf(
  mode: Mode,
  env: NodeJS.ProcessEnv,
  home: string,
  port: number,
  procs: HermesProcess[],
  cleanup: () => Promise<void>,
): PipelinePlatform {
  return {
    mode,
    env,
    home,
    agentApi: `127.0.0.1:${port}`,
    logs: () => procs.map((p) => `${p.stdout()}\n${p.stderr()}`).join('\n'),
    hermes: (args, timeoutMs) => runHermes(args, env, timeoutMs),
    async createKey(name, scopes, extra = []) {
      const r = await runHermes(['apikey', 'create', '--name', name, '--scopes', scopes, '--json', ...extra], env);
      if (r.code !== 0) throw new Error(`apikey create failed: ${r.stderr}`);
      const j = JSON.parse(r.stdout) as { id: string; key: string };
      return { id: j.id, key: j.key };
    },
    async executorRuns() {
      const metrics = readEndpoints(home, 'executor')?.metrics;
      if (!metrics) throw new Error('executor metrics endpoint unknown');
      const text = await (await fetch(`http://${metrics}/metrics`)).text();
      let n = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('hermes_rpc_server_duration_seconds_count') && line.includes('method="Run"')) {
          n += Number(line.split(' ').pop());
        }
      }
      return n;
    },
    [Symbol.asyncDispose]: cleanup,
  };
}

/** `hermes up`: every service in one process on the in-process bus, embedded PGlite. */
export async function startEmbedded(extra: Record<string, string> = {}): Promise<PipelinePlatform> {
  const home = await tempHome();
  const port = await freePort();
  const env = common(home.env, port, extra);
  const up = spawnHermes(['up'], env);
  try {
    await waitAgentApi(port, [up]);
    await waitHealthy(env, [up], []);
  } catch (err) {
    await up[Symbol.asyncDispose]();
    await home[Symbol.asyncDispose]();
    throw err;
  }
  return platformOf('embedded', env, home.home, port, [up], async () => {
    await up.stop('SIGTERM');
    await home[Symbol.asyncDispose]();
  });
}

export const DISTRIBUTED_SERVICES = ['audit', 'authz', 'scanner', 'approval', 'executor', 'gateway'] as const;

export interface DistributedOptions {
  /** One `hermes serve executor --backend <b>` process per entry (default: local only). */
  readonly executors?: readonly TerminalBackend[];
  /** Appended to `$HERMES_HOME/config.yaml` (e.g. `terminal:` settings for docker / ssh). */
  readonly configYaml?: string;
}

/** Each service its own `hermes serve` process against real NATS (JetStream), Postgres and Redis. */
export async function startDistributed(
  extra: Record<string, string> = {},
  options: DistributedOptions = {},
): Promise<PipelinePlatform> {
  const nats = await startNats({ jetstream: true });
  const pg = await startPostgres();
  const redis = await startRedis();
  const db = await createTestDatabase(pg.url);
  const home = await tempHome(options.configYaml ?? '');
  const port = await freePort();
  const env = common({ ...home.env, NATS_URL: nats.url, DATABASE_URL: db.url, REDIS_URL: redis.url }, port, {
    ...grantKeyEnv(),
    ...extra,
  });
  const procs: HermesProcess[] = [];
  const cleanup = async () => {
    await Promise.all(procs.map((p) => p.stop('SIGTERM')));
    await Promise.all(procs.map((p) => p[Symbol.asyncDispose]()));
    await db.drop().catch(() => {});
    await Promise.allSettled([nats.stop(), pg.stop(), redis.stop()]);
    await home[Symbol.asyncDispose]();
  };
  try {
    for (const name of DISTRIBUTED_SERVICES) {
      if (name !== 'executor') procs.push(spawnHermes(['serve', name], env));
      else
        for (const b of options.executors ?? ['local']) procs.push(spawnHermes(['serve', name, '--backend', b], env));
    }
    await waitAgentApi(port, procs);
    await waitHealthy(env, procs, [...DISTRIBUTED_SERVICES]);
  } catch (err) {
    await cleanup();
    throw err;
  }
  return platformOf('distributed', env, home.home, port, procs, cleanup);
}

export type RunEventJson = {
  runId?: string;
  approval?: { requestId: string; command: string; choices: string[]; findings: { rule: string }[] };
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  denied?: { reason: string; message: string };
  findings?: unknown;
  error?: { code: string; message: string };
};

export interface HttpRun {
  readonly status: number;
  readonly raw: string;
  readonly events: RunEventJson[];
  /** Decoded stdout / stderr (base64 in the JSON mapping of bytes). */
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
  readonly denied: RunEventJson['denied'];
}

/** POST /v1/runs and read the NDJSON stream; `onEvent` may act mid-stream (e.g. approve). */
export async function httpRun(
  api: string,
  key: string | undefined,
  body: Record<string, unknown>,
  onEvent?: (ev: RunEventJson) => Promise<void> | void,
): Promise<HttpRun> {
  const res = await fetch(`http://${api}/v1/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  let raw = '';
  const events: RunEventJson[] = [];
  if (res.status === 200 && res.body) {
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      const text = dec.decode(chunk as Uint8Array, { stream: true });
      raw += text;
      buf += text;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) {
          const ev = JSON.parse(line) as RunEventJson;
          events.push(ev);
          await onEvent?.(ev);
        }
        nl = buf.indexOf('\n');
      }
    }
  } else raw = await res.text();
  const b64 = (k: 'stdout' | 'stderr') =>
    events
      .map((e) => e[k])
      .filter((v): v is string => v !== undefined)
      .map((v) => Buffer.from(v, 'base64').toString())
      .join('');
  return {
    status: res.status,
    raw,
    events,
    stdout: b64('stdout'),
    stderr: b64('stderr'),
    exitCode:
      events.find((e) => e.exitCode !== undefined)?.exitCode ?? (events.some((e) => 'exitCode' in e) ? 0 : undefined),
    denied: events.find((e) => e.denied)?.denied,
  };
}

export async function httpJson(
  api: string,
  key: string | undefined,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://${api}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

// Just enough protobuf wire format (varint + length-delimited) for RunCommandRequest and
// RunCommandResponse; the root workspace package has no protobuf runtime, and a hand-rolled codec
// keeps this client independent of ours.
function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

export interface WireRunRequest {
  readonly sessionId?: string;
  readonly command: string;
  readonly unattended?: boolean;
}

export function encodeRunRequest(r: WireRunRequest): Buffer {
  const parts: number[] = [];
  const str = (field: number, v: string | undefined) => {
    if (!v) return;
    const b = Buffer.from(v, 'utf8');
    parts.push((field << 3) | 2, ...varint(b.length), ...b);
  };
  str(1, r.sessionId);
  str(2, r.command);
  if (r.unattended) parts.push((5 << 3) | 0, 1);
  return Buffer.from(parts);
}

export type WireEvent =
  | { kind: 'runId'; value: string }
  | { kind: 'stdout' | 'stderr'; value: Buffer }
  | { kind: 'exitCode'; value: number }
  | { kind: 'denied'; reason: string }
  | { kind: 'approval' | 'findings' | 'other' };

export function decodeRunResponse(buf: Buffer): WireEvent {
  let i = 0;
  const readVarint = (): bigint => {
    let shift = 0n;
    let v = 0n;
    for (;;) {
      const b = buf[i++] ?? 0;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  let ev: WireEvent = { kind: 'other' };
  while (i < buf.length) {
    const tag = Number(readVarint());
    const field = tag >> 3;
    if ((tag & 7) === 0) {
      const v = readVarint();
      if (field === 5) ev = { kind: 'exitCode', value: Number(BigInt.asIntN(32, v)) };
      continue;
    }
    const len = Number(readVarint());
    const body = buf.subarray(i, i + len);
    i += len;
    if (field === 1) ev = { kind: 'runId', value: body.toString('utf8') };
    else if (field === 3) ev = { kind: 'stdout', value: Buffer.from(body) };
    else if (field === 4) ev = { kind: 'stderr', value: Buffer.from(body) };
    else if (field === 2) ev = { kind: 'approval' };
    else if (field === 8) ev = { kind: 'findings' };
    else if (field === 7) {
      // Denied { string reason = 1; ... }
      const rl = body[1] ?? 0;
      ev = { kind: 'denied', reason: body[0] === 0x0a ? body.subarray(2, 2 + rl).toString('utf8') : '' };
    }
  }
  return ev;
}

/** A minimal gRPC client over node:http2 (h2c): length-prefixed protobuf frames, status in trailers. */
export class RawGrpcClient {
  readonly #session: ClientHttp2Session;

  constructor(address: string) {
    this.#session = h2connect(`http://${address}`);
    this.#session.on('error', () => {});
  }

  /** Server-streaming RunCommand; resolves with every message and the final grpc-status. */
  runCommand(
    key: string | undefined,
    req: WireRunRequest,
  ): Promise<{ status: number; message: string; events: WireEvent[] }> {
    const payload = encodeRunRequest(req);
    const frame = Buffer.alloc(5 + payload.length);
    frame.writeUInt32BE(payload.length, 1);
    payload.copy(frame, 5);
    return new Promise((resolve, reject) => {
      const stream = this.#session.request({
        ':method': 'POST',
        ':path': '/hermes.gateway.v1.AgentService/RunCommand',
        'content-type': 'application/grpc',
        te: 'trailers',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      });
      let buf = Buffer.alloc(0);
      const events: WireEvent[] = [];
      let status: { status: number; message: string } | undefined;
      const statusOf = (h: Record<string, unknown>) => ({
        status: Number(h['grpc-status']),
        message: decodeURIComponent(String(h['grpc-message'] ?? '')),
      });
      stream.on('response', (h) => {
        // Trailers-only responses carry the status in the headers.
        if (h['grpc-status'] !== undefined) status = statusOf(h);
      });
      stream.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 5) {
          const len = buf.readUInt32BE(1);
          if (buf.length < 5 + len) break;
          events.push(decodeRunResponse(buf.subarray(5, 5 + len)));
          buf = buf.subarray(5 + len);
        }
      });
      stream.on('trailers', (t) => {
        status = statusOf(t);
      });
      stream.on('end', () => resolve({ ...(status ?? { status: -1, message: 'no status' }), events }));
      stream.on('error', reject);
      stream.end(frame);
    });
  }

  close(): void {
    this.#session.close();
  }
}
