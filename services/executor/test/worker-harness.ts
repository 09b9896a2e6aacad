// Shared set-up for executor tests: real Ed25519 grants signed the way approval signs them, nonces
// registered in a real TTL store, a worker with the real grant check, and audit events captured.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TerminalBackend } from '@hermes/config';
import type { AuditEventInit, AuditSink } from '@hermes/platform';
import {
  createRedactor,
  encodeGrantPublicKey,
  GrantSigner,
  generateGrantKeyPair,
  grantNonceKey,
  type Redactor,
  shellArgv,
} from '@hermes/security';
import { MemoryTtlStore, type TtlStore } from '@hermes/storage';
import { verifierGrantCheck } from '../src/grant/grant-check.ts';
import type { ExecutionBackend } from '../src/ports/execution-backend.ts';
import { type RunEvent, type RunOutcome, Worker, type WorkerOptions } from '../src/run/worker.ts';
import type { RawRunInput } from '../src/sanitize/run-input.ts';

/** A platform secret the worker's host environment holds; it must never reach a command or its output. */
export const PLATFORM_SECRET = 'sk-hermesPlatformSecret0123456789abcdefXYZ';

export class Grants {
  readonly store: TtlStore;
  readonly signer: GrantSigner;
  readonly publicKey: string;
  #now: number | undefined;

  constructor(store: TtlStore = new MemoryTtlStore(), keyId = 'test') {
    const { privateKey, publicKey } = generateGrantKeyPair();
    this.store = store;
    this.publicKey = encodeGrantPublicKey(publicKey);
    this.signer = new GrantSigner({ keyId, privateKey, ttlMs: 30_000, now: () => this.#now ?? Date.now() });
  }

  /** Signs a grant and registers its nonce, as approval does. */
  async issue(subject: {
    sessionId: string;
    argv?: readonly string[];
    script?: string;
    cwd?: string;
    backend: TerminalBackend;
    issuedAt?: number;
  }): Promise<Uint8Array> {
    this.#now = subject.issuedAt;
    const argv = subject.argv ?? shellArgv(subject.script ?? '');
    const g = this.signer.sign({
      sessionId: subject.sessionId,
      argv,
      cwd: subject.cwd ?? '',
      backend: subject.backend,
      approvalId: 'test-approval',
    });
    this.#now = undefined;
    await this.store.set(grantNonceKey(g.claims.nonce), '1', { ttlMs: 60_000 });
    return Buffer.from(g.token);
  }

  check() {
    return verifierGrantCheck({ keys: { test: this.publicKey }, ttlStore: async () => this.store });
  }
}

export function captureAudit(): AuditSink & { events: AuditEventInit[] } {
  const events: AuditEventInit[] = [];
  return { events, emit: (e) => events.push(e), flush: async () => {} };
}

export const quietLogger = { info() {}, warn() {}, error() {} };

export function testRedactor(): Redactor {
  return createRedactor({ knownSecrets: [PLATFORM_SECRET] });
}

export async function tempDir(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), `hermes-exec-${prefix}-`));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true, maxRetries: 3 }) };
}

export function makeWorker(
  backend: ExecutionBackend,
  grants: Grants,
  extra: Partial<WorkerOptions> = {},
): Worker & { audit: ReturnType<typeof captureAudit> } {
  const audit = captureAudit();
  const w = new Worker({
    workerId: 'wtest',
    backend,
    grants: grants.check(),
    redactor: testRedactor(),
    audit,
    logger: quietLogger,
    sessionIdleMs: 0,
    ...extra,
  });
  return Object.assign(w, { audit });
}

export interface Collected {
  readonly runId: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly result: RunOutcome | undefined;
  readonly heartbeats: number;
  readonly events: RunEvent[];
}

export function rawRun(p: Partial<RawRunInput> & { sessionId: string }): RawRunInput {
  return {
    argv: [],
    script: '',
    cwd: '',
    env: {},
    timeoutMs: undefined,
    stdin: new Uint8Array(),
    messaging: false,
    taskId: '',
    ...p,
  };
}

/** Drains a run; the signal defaults to a 30 s deadline. */
export async function collect(
  worker: Worker,
  input: RawRunInput & { grant: Uint8Array },
  opts: { signal?: AbortSignal; remainingMs?: number; onEvent?: (e: RunEvent) => void } = {},
): Promise<Collected> {
  const deadline = Date.now() + (opts.remainingMs ?? 30_000);
  const events: RunEvent[] = [];
  let stdout = '';
  let stderr = '';
  let runId: string | undefined;
  let result: RunOutcome | undefined;
  let heartbeats = 0;
  for await (const ev of worker.run(input, {
    signal: opts.signal ?? new AbortController().signal,
    remainingMs: () => deadline - Date.now(),
    requestId: 'test',
  })) {
    events.push(ev);
    opts.onEvent?.(ev);
    if (ev.kind === 'started') runId = ev.runId;
    else if (ev.kind === 'output') {
      if (ev.stream === 'stdout') stdout += Buffer.from(ev.data).toString('utf8');
      else stderr += Buffer.from(ev.data).toString('utf8');
    } else if (ev.kind === 'heartbeat') heartbeats++;
    else result = ev.result;
  }
  return { runId, stdout, stderr, result, heartbeats, events };
}
