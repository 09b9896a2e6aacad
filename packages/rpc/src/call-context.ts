import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RpcLogger } from './logger.ts';

/** What every handler receives (HOUSE_STYLE rule 9). */
export interface HandlerContext {
  /** Deployable that serves the call, e.g. "authz". */
  readonly service: string;
  /** Method name as in the proto, e.g. "Check". */
  readonly method: string;
  readonly requestId: string;
  /** Identity of the calling service or principal, when the caller stated one. */
  readonly caller: string | undefined;
  /** Absolute deadline, epoch milliseconds. */
  readonly deadline: number;
  /** Aborted at the deadline, when the caller goes away, or when the server shuts down. */
  readonly signal: AbortSignal;
  /** Child logger bound to service, method and request id. */
  readonly logger: RpcLogger;
  /** W3C trace id of the call, when one travelled with it. */
  readonly traceId: string | undefined;
  /** Milliseconds left before the deadline (never negative). */
  remainingMs(): number;
}

/** Default per-call budget when a caller states none. */
export const DEFAULT_TIMEOUT_MS = 30_000;

const store = new AsyncLocalStorage<HandlerContext>();

/** The handler context of the call being served on this async path, if any. */
export function currentCall(): HandlerContext | undefined {
  return store.getStore();
}

export function runInCall<T>(ctx: HandlerContext, fn: () => T): T {
  return store.run(ctx, fn);
}

let counter = 0;
const prefix = randomUUID().slice(0, 18);

/** Unique, cheap request ids: a per-process random prefix plus a counter (no syscall per call). */
export function newRequestId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}${counter.toString(16).padStart(12, '0')}`;
}

/** Request ids and caller names travel in headers: keep them short and printable. */
export function isValidToken(s: string, max = 128): boolean {
  if (s.length === 0 || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}
