// Vercel Sandbox REST API (https://api.vercel.com; bearer access token; `?teamId=` on every call),
// the calls this backend makes and nothing more (vercel.com/docs/rest-api/sandboxes):
//   POST /v1/sandboxes                          { projectId, runtime, timeout, resources, networkPolicy } → { sandbox }
//   GET  /v1/sandboxes/{id}                     → { sandbox: { id, status } } (pending → running)
//   POST /v1/sandboxes/{id}/stop                stops (and so discards) the microVM
//   POST /v1/sandboxes/{id}/cmd                 { command, args, cwd, env, sudo } → { command: { id, exitCode:null } }
//   GET  /v1/sandboxes/{id}/cmd/{cmdId}/logs    ND-JSON { stream: stdout|stderr|error, data }
//   GET  /v1/sandboxes/{id}/cmd/{cmdId}?wait=true → { command: { exitCode } } once it has exited
//   POST /v1/sandboxes/{id}/{cmdId}/kill        { signal: 9 }
// Commands run asynchronously on Vercel's side, so output streams as it comes.
import { CloudHttp } from '../cloud-http.ts';

export const VERCEL_DEFAULT_API_URL = 'https://api.vercel.com';

export interface VercelSandbox {
  readonly id: string;
  readonly status?: string;
}

export interface VercelCreateSandbox {
  readonly projectId: string;
  readonly runtime: string;
  /** Milliseconds the microVM lives at most (Vercel stops it then, whatever we do). */
  readonly timeout: number;
  readonly resources: { readonly vcpus: number };
  /** Seed: network off unless `terminal.docker_network`. */
  readonly networkPolicy: { readonly mode: 'allow-all' | 'deny-all' };
}

export interface VercelRunCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly sudo: false;
}

export interface VercelCommand {
  readonly id: string;
  readonly exitCode?: number | null;
}

export interface VercelSandboxApiOptions {
  readonly token: string;
  readonly teamId?: string;
  readonly apiUrl?: string;
  readonly requestTimeoutMs?: number;
}

export class VercelSandboxApi {
  readonly #http: CloudHttp;

  constructor(o: VercelSandboxApiOptions) {
    this.#http = new CloudHttp({
      backend: 'vercel-sandbox',
      baseUrl: (o.apiUrl ?? VERCEL_DEFAULT_API_URL).replace(/\/+$/, ''),
      headers: { authorization: `Bearer ${o.token}` },
      ...(o.teamId ? { query: { teamId: o.teamId } } : {}),
      ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
    });
  }

  async createSandbox(body: VercelCreateSandbox, signal?: AbortSignal): Promise<VercelSandbox> {
    const r = await this.#http.json<{ sandbox: VercelSandbox }>({
      method: 'POST',
      path: '/v1/sandboxes',
      op: 'create sandbox',
      body,
      ...opt(signal),
    });
    return r.sandbox;
  }

  async getSandbox(id: string, signal?: AbortSignal): Promise<VercelSandbox> {
    const r = await this.#http.json<{ sandbox: VercelSandbox }>({
      method: 'GET',
      path: `/v1/sandboxes/${enc(id)}`,
      op: 'get sandbox',
      ...opt(signal),
    });
    return r.sandbox;
  }

  async stopSandbox(id: string): Promise<void> {
    await this.#http.request({
      method: 'POST',
      path: `/v1/sandboxes/${enc(id)}/stop`,
      op: 'stop sandbox',
      accept: [404, 410],
    });
  }

  async runCommand(id: string, body: VercelRunCommand, signal?: AbortSignal): Promise<VercelCommand> {
    const r = await this.#http.json<{ command: VercelCommand }>({
      method: 'POST',
      path: `/v1/sandboxes/${enc(id)}/cmd`,
      op: 'run command',
      body,
      ...opt(signal),
    });
    return r.command;
  }

  /** The ND-JSON log stream of a command (open until it exits). */
  logs(id: string, cmdId: string, signal: AbortSignal): Promise<Response> {
    return this.#http.request({
      method: 'GET',
      path: `/v1/sandboxes/${enc(id)}/cmd/${enc(cmdId)}/logs`,
      op: 'stream command logs',
      signal,
      noTimeout: true,
    });
  }

  async waitCommand(id: string, cmdId: string, signal: AbortSignal): Promise<VercelCommand> {
    const r = await this.#http.json<{ command: VercelCommand }>({
      method: 'GET',
      path: `/v1/sandboxes/${enc(id)}/cmd/${enc(cmdId)}`,
      query: { wait: 'true' },
      op: 'wait for command',
      signal,
      noTimeout: true,
    });
    return r.command;
  }

  async killCommand(id: string, cmdId: string): Promise<void> {
    await this.#http.request({
      method: 'POST',
      path: `/v1/sandboxes/${enc(id)}/${enc(cmdId)}/kill`,
      op: 'kill command',
      body: { signal: 9 },
      // Already exited (or the sandbox is gone): nothing left to kill.
      accept: [400, 404, 409, 410],
    });
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function opt(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
