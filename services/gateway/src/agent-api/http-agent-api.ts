// The Agent API as HTTP/JSON (documented in proto/hermes/gateway/v1/agent-api.openapi.yaml). Bodies
// and events are the protobuf messages in their canonical JSON mapping; RunCommand streams NDJSON
// (one RunCommandResponse per line), or server-sent events when the client accepts
// text/event-stream. `Authorization: Bearer <key>` is checked before anything else.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromJson, type JsonValue, toJson } from '@bufbuild/protobuf';
import { gatewayv1 } from '@hermes/proto';
import { Code, codeName, RpcError } from '@hermes/rpc';
import { context as otelContext, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { bearerToken } from '../api-keys/api-key-format.ts';
import { RateLimitedError } from '../errors.ts';
import { toGatewayRpcError } from '../rpc-errors.ts';
import type { FrontDoor } from './front-door.ts';
import { NO_DEADLINE_BUDGET_MS } from './grpc-agent-server.ts';

export const OPENAPI_URL = new URL('../../../../proto/hermes/gateway/v1/agent-api.openapi.yaml', import.meta.url);

/** gRPC code → HTTP status (the mapping of google.rpc.Code). */
const HTTP_STATUS: Readonly<Record<number, number>> = {
  [Code.INVALID_ARGUMENT]: 400,
  [Code.OUT_OF_RANGE]: 400,
  [Code.FAILED_PRECONDITION]: 400,
  [Code.UNAUTHENTICATED]: 401,
  [Code.PERMISSION_DENIED]: 403,
  [Code.NOT_FOUND]: 404,
  [Code.ALREADY_EXISTS]: 409,
  [Code.ABORTED]: 409,
  [Code.RESOURCE_EXHAUSTED]: 429,
  [Code.CANCELLED]: 499,
  [Code.UNIMPLEMENTED]: 501,
  [Code.UNAVAILABLE]: 503,
  [Code.DEADLINE_EXCEEDED]: 504,
};

class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const JSON_OPTS = { alwaysEmitImplicit: false } as const;

function errorBody(err: unknown): { status: number; body: string; retryAfter?: number } {
  if (err instanceof HttpError) {
    return { status: err.status, body: JSON.stringify({ code: 'INVALID_ARGUMENT', message: err.message }) };
  }
  const e = toGatewayRpcError(err);
  const rpc = e instanceof RpcError ? e : new RpcError(Code.INTERNAL, 'internal error');
  return {
    status: HTTP_STATUS[rpc.code] ?? 500,
    body: JSON.stringify({ code: codeName(rpc.code), message: rpc.message }),
    ...(err instanceof RateLimitedError ? { retryAfter: Math.ceil(err.retryAfterMs / 1000) } : {}),
  };
}

function sendError(res: ServerResponse, err: unknown): void {
  const { status, body, retryAfter } = errorBody(err);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="hermes-agent-api"';
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  res.writeHead(status, headers).end(body);
}

function sendJson(res: ServerResponse, value: JsonValue): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

async function readBody(req: IncomingMessage, max: number): Promise<JsonValue> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > max) throw new HttpError(413, `request body larger than ${max} bytes`);
    chunks.push(c);
  }
  if (n === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as JsonValue;
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
}

function parseMessage<T extends Parameters<typeof fromJson>[0]>(schema: T, json: JsonValue) {
  try {
    return fromJson(schema, json);
  } catch (e) {
    throw new HttpError(400, `invalid ${schema.typeName}: ${(e as Error).message.slice(0, 200)}`);
  }
}

function budgetOf(req: IncomingMessage): number {
  // Same meaning as gRPC's grpc-timeout: the caller's budget, relative.
  const raw = req.headers['request-timeout-ms'];
  const v = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  return v > 0 ? v : NO_DEADLINE_BUDGET_MS;
}

function traceOf(req: IncomingMessage) {
  const tp = req.headers.traceparent;
  if (typeof tp !== 'string') return otelContext.active();
  return propagation.extract(
    ROOT_CONTEXT,
    { traceparent: tp },
    {
      get: (c: Record<string, string>, k: string) => c[k],
      keys: (c: Record<string, string>) => Object.keys(c),
    },
  );
}

const RUN_PATH = /^\/v1\/runs\/([A-Za-z0-9-]{1,64})$/;
const CANCEL_PATH = /^\/v1\/runs\/([A-Za-z0-9-]{1,64})\/cancel$/;
const APPROVAL_PATH = /^\/v1\/approvals\/([A-Za-z0-9_.:-]{1,128})$/;

export function createHttpAgentHandler(door: FrontDoor, maxBodyBytes: number) {
  let openapi: Promise<string> | undefined;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://agent-api');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (req.method === 'GET' && path === '/v1/openapi.yaml') {
      openapi ??= readFile(OPENAPI_URL, 'utf8');
      openapi.then(
        (text) => res.writeHead(200, { 'content-type': 'application/yaml' }).end(text),
        () => res.writeHead(404).end(),
      );
      return;
    }
    const ac = new AbortController();
    res.on('close', () => ac.abort());
    (async () => {
      const route =
        req.method === 'POST' && path === '/v1/runs'
          ? 'run'
          : req.method === 'GET' && RUN_PATH.test(path)
            ? 'get'
            : req.method === 'POST' && CANCEL_PATH.test(path)
              ? 'cancel'
              : req.method === 'POST' && APPROVAL_PATH.test(path)
                ? 'approve'
                : undefined;
      if (!route) throw new HttpError(404, 'no such endpoint');
      // The key first, before reading a byte of the body.
      const admitted = await door.admit(bearerToken(req.headers.authorization), 'http');
      try {
        const opts = { timeoutMs: budgetOf(req), signal: ac.signal };
        const ctx = traceOf(req);
        switch (route) {
          case 'run': {
            const body = parseMessage(gatewayv1.RunCommandRequestSchema, await readBody(req, maxBodyBytes));
            const it = otelContext.with(ctx, () => admitted.client.runCommand(body, opts))[Symbol.asyncIterator]();
            // Refusals before the first event (authz, invalid input) get a real HTTP status.
            let next = await it.next();
            const sse = (req.headers.accept ?? '').includes('text/event-stream');
            res.writeHead(200, {
              'content-type': sse ? 'text/event-stream' : 'application/x-ndjson',
              'cache-control': 'no-store',
              'x-accel-buffering': 'no',
            });
            try {
              while (!next.done) {
                const line = JSON.stringify(toJson(gatewayv1.RunCommandResponseSchema, next.value, JSON_OPTS));
                const ok = res.write(sse ? `data: ${line}\n\n` : `${line}\n`);
                if (!ok) await new Promise<void>((r) => res.once('drain', r));
                next = await it.next();
              }
            } catch (err) {
              const { body: eb } = errorBody(err);
              const line = JSON.stringify({ error: JSON.parse(eb) as JsonValue });
              res.write(sse ? `event: error\ndata: ${line}\n\n` : `${line}\n`);
            }
            res.end();
            return;
          }
          case 'get': {
            const runId = RUN_PATH.exec(path)?.[1] ?? '';
            const out = await otelContext.with(ctx, () => admitted.client.getRun({ runId }, opts));
            sendJson(res, toJson(gatewayv1.GetRunResponseSchema, out, JSON_OPTS));
            return;
          }
          case 'cancel': {
            const runId = CANCEL_PATH.exec(path)?.[1] ?? '';
            const out = await otelContext.with(ctx, () => admitted.client.cancelRun({ runId }, opts));
            sendJson(res, toJson(gatewayv1.CancelRunResponseSchema, out, JSON_OPTS));
            return;
          }
          case 'approve': {
            const requestId = APPROVAL_PATH.exec(path)?.[1] ?? '';
            const body = parseMessage(gatewayv1.ResolveApprovalRequestSchema, await readBody(req, maxBodyBytes));
            const out = await otelContext.with(ctx, () =>
              admitted.client.resolveApproval({ ...body, requestId }, opts),
            );
            sendJson(res, toJson(gatewayv1.ResolveApprovalResponseSchema, out, JSON_OPTS));
            return;
          }
        }
      } finally {
        admitted.release();
      }
    })().catch((err) => {
      if (!res.headersSent) sendError(res, err);
      else res.end();
    });
  };
}
