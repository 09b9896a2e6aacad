// The HTTP/JSON client shared by the cloud backends (daytona, vercel-sandbox): bearer auth, a
// per-request deadline, and one mapping from vendor answers to RpcErrors (issue #7 item 6): network
// failures and 5xx → UNAVAILABLE, 401 → UNAUTHENTICATED, 403 → PERMISSION_DENIED, 429 →
// RESOURCE_EXHAUSTED, other 4xx → INVALID_ARGUMENT (a config problem: bad image, project, team).
// Messages name the backend, the operation and the status; the vendor's own message is kept (it
// says what is wrong) but every credential is scrubbed from it first, and no header is ever echoed.
import { Code, RpcError } from '@hermes/rpc';

export interface CloudHttpOptions {
  /** Backend name used in error messages. */
  readonly backend: string;
  /** API base URL without a trailing slash. */
  readonly baseUrl: string;
  /** Authorization and organisation headers; their values are scrubbed from every error message. */
  readonly headers: Readonly<Record<string, string>>;
  /** Query parameters added to every request (Vercel's `teamId`). */
  readonly query?: Readonly<Record<string, string>>;
  /** Deadline of one API call (not of a command, which has its own). Default 30 s. */
  readonly requestTimeoutMs?: number;
}

export interface CloudRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  /** What the call does, for messages ("create sandbox"). */
  readonly op: string;
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** No per-request deadline (long polls, log streams); the caller's signal still applies. */
  readonly noTimeout?: boolean;
  /** Statuses that are an answer, not an error (404 on delete: already gone). */
  readonly accept?: readonly number[];
}

const MAX_VENDOR_MESSAGE = 300;

export class CloudHttp {
  readonly #o: CloudHttpOptions;
  readonly #secrets: string[];

  constructor(options: CloudHttpOptions) {
    this.#o = options;
    // Scrub every header value (bearer tokens, org ids) and the bare token after "Bearer ".
    this.#secrets = Object.values(options.headers)
      .flatMap((v) => [v, v.replace(/^Bearer\s+/i, '')])
      .filter((v) => v.length >= 4)
      .sort((a, b) => b.length - a.length);
  }

  get backend(): string {
    return this.#o.backend;
  }

  url(path: string, query?: Readonly<Record<string, string>>): string {
    const u = new URL(`${this.#o.baseUrl}${path}`);
    for (const [k, v] of Object.entries({ ...this.#o.query, ...query })) u.searchParams.set(k, v);
    return u.toString();
  }

  /** Sends the request; a non-accepted status or a network failure throws a mapped RpcError. */
  async request(r: CloudRequest): Promise<Response> {
    const signals: AbortSignal[] = [];
    if (r.signal) signals.push(r.signal);
    if (!r.noTimeout) signals.push(AbortSignal.timeout(this.#o.requestTimeoutMs ?? 30_000));
    let res: Response;
    try {
      res = await fetch(this.url(r.path, r.query), {
        method: r.method,
        headers: {
          ...this.#o.headers,
          accept: 'application/json',
          ...(r.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
        signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals),
      });
    } catch (e) {
      // The caller's own abort (timeout, cancel) is not an API failure: pass its reason on.
      if (r.signal?.aborted) throw r.signal.reason ?? e;
      const why = (e as Error).name === 'TimeoutError' ? 'timed out' : networkReason(e);
      throw new RpcError(Code.UNAVAILABLE, `${this.#o.backend}: ${r.op}: API not reachable (${why})`, { cause: e });
    }
    if (res.ok || r.accept?.includes(res.status)) return res;
    const detail = this.#scrub(await vendorMessage(res));
    throw new RpcError(
      statusCode(res.status),
      `${this.#o.backend}: ${r.op} failed: HTTP ${res.status}${detail ? ` (${detail})` : ''}`,
    );
  }

  /** `request` and parse the JSON answer. */
  async json<T>(r: CloudRequest): Promise<T> {
    const res = await this.request(r);
    try {
      return (await res.json()) as T;
    } catch (e) {
      throw new RpcError(Code.UNAVAILABLE, `${this.#o.backend}: ${r.op}: the API answered with invalid JSON`, {
        cause: e,
      });
    }
  }

  #scrub(s: string): string {
    let out = s;
    for (const secret of this.#secrets) out = out.split(secret).join('[redacted]');
    return out;
  }
}

/** Wire status for an HTTP status of a vendor API. */
export function statusCode(status: number): Code {
  if (status === 401) return Code.UNAUTHENTICATED;
  if (status === 403) return Code.PERMISSION_DENIED;
  if (status === 429) return Code.RESOURCE_EXHAUSTED;
  if (status === 408 || status >= 500) return Code.UNAVAILABLE;
  return Code.INVALID_ARGUMENT;
}

function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}

async function vendorMessage(res: Response): Promise<string> {
  let text: string;
  try {
    text = await res.text();
  } catch {
    return '';
  }
  let msg = text;
  try {
    const j = JSON.parse(text) as { message?: unknown; error?: unknown };
    const err = j.error as { message?: unknown } | string | undefined;
    msg = String((typeof err === 'object' && err !== null ? err.message : err) ?? j.message ?? '');
  } catch {}
  return msg.replace(/\s+/g, ' ').trim().slice(0, MAX_VENDOR_MESSAGE);
}
