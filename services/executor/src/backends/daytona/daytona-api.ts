// Daytona's REST API (https://app.daytona.io/api; bearer API key, optional
// `X-Daytona-Organization-ID`), the calls this backend makes and nothing more:
//   POST   /sandbox                                          create → { id, state }
//   GET    /sandbox/{id}                                     → { id, state } (creating → started)
//   DELETE /sandbox/{id}                                     delete
//   POST   /toolbox/{id}/toolbox/process/session             { sessionId }
//   POST   /toolbox/{id}/toolbox/process/session/{sid}/exec  { command, runAsync:false }
//                                                           → { cmdId, exitCode, stdout, stderr, output }
//   DELETE /toolbox/{id}/toolbox/process/session/{sid}      ends the session shell and its processes
// Field names follow the daemon's toolbox types (SessionExecuteRequest/Response) and the API's
// CreateSandbox DTO.
import { CloudHttp } from '../cloud-http.ts';

export const DAYTONA_DEFAULT_API_URL = 'https://app.daytona.io/api';

export interface DaytonaSandbox {
  readonly id: string;
  readonly state?: string;
  readonly errorReason?: string;
}

export interface DaytonaCreateSandbox {
  readonly labels: Readonly<Record<string, string>>;
  /** Seed: network off unless `terminal.docker_network`. */
  readonly networkBlockAll: boolean;
  /** Minutes of inactivity before Daytona stops the sandbox itself (a backstop if EndSession never comes). */
  readonly autoStopInterval: number;
  readonly snapshot?: string;
}

export interface DaytonaExecResult {
  readonly cmdId?: string;
  readonly exitCode?: number | null;
  readonly stdout?: string | null;
  readonly stderr?: string | null;
  /** Deprecated combined output, used only when stdout/stderr are absent (older daemons). */
  readonly output?: string | null;
}

export interface DaytonaApiOptions {
  readonly apiKey: string;
  readonly apiUrl: string;
  readonly organizationId?: string;
  readonly requestTimeoutMs?: number;
}

export class DaytonaApi {
  readonly #http: CloudHttp;

  constructor(o: DaytonaApiOptions) {
    this.#http = new CloudHttp({
      backend: 'daytona',
      baseUrl: o.apiUrl.replace(/\/+$/, ''),
      headers: {
        authorization: `Bearer ${o.apiKey}`,
        ...(o.organizationId ? { 'x-daytona-organization-id': o.organizationId } : {}),
      },
      ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
    });
  }

  createSandbox(body: DaytonaCreateSandbox, signal?: AbortSignal): Promise<DaytonaSandbox> {
    return this.#http.json({ method: 'POST', path: '/sandbox', op: 'create sandbox', body, ...opt(signal) });
  }

  getSandbox(id: string, signal?: AbortSignal): Promise<DaytonaSandbox> {
    return this.#http.json({ method: 'GET', path: `/sandbox/${enc(id)}`, op: 'get sandbox', ...opt(signal) });
  }

  async deleteSandbox(id: string): Promise<void> {
    await this.#http.request({
      method: 'DELETE',
      path: `/sandbox/${enc(id)}`,
      query: { force: 'true' },
      op: 'delete sandbox',
      accept: [404],
    });
  }

  async createSession(id: string, sessionId: string, signal?: AbortSignal): Promise<void> {
    await this.#http.request({
      method: 'POST',
      path: `/toolbox/${enc(id)}/toolbox/process/session`,
      op: 'create process session',
      body: { sessionId },
      ...opt(signal),
    });
  }

  /** Runs the command to completion; no per-request deadline (the run's timeout kills it via deleteSession). */
  execSync(id: string, sessionId: string, command: string, signal: AbortSignal): Promise<DaytonaExecResult> {
    return this.#http.json({
      method: 'POST',
      path: `/toolbox/${enc(id)}/toolbox/process/session/${enc(sessionId)}/exec`,
      op: 'run command',
      body: { command, runAsync: false },
      signal,
      noTimeout: true,
    });
  }

  async deleteSession(id: string, sessionId: string): Promise<void> {
    await this.#http.request({
      method: 'DELETE',
      path: `/toolbox/${enc(id)}/toolbox/process/session/${enc(sessionId)}`,
      op: 'delete process session',
      accept: [404],
    });
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function opt(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
