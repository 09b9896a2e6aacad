// SSH connections of the ssh backend (ssh2): one pool per host, connections reused by every
// command (issue #7 item 5: "connection reuse per host"), a new connection opened only when the
// existing ones carry `maxChannelsPerConnection` commands (sshd's MaxSessions defaults to 10),
// keepalives so a dead link is noticed, and reconnection on next use after a drop. Key auth only:
// the auth list holds exactly one publickey method, so ssh2 never tries none/password/agent.
// Host keys are pinned (known_hosts), checked before authentication.
import { Client, type ClientChannel, type ConnectConfig, type PublicKeyAuthMethod } from 'ssh2';
import { BackendUnavailableError, HostKeyRefusedError } from '../../errors.ts';
import { hostKeyAlgorithms, type KnownHostLine, knownHostName, pinnedKeys, verifyHostKey } from './known-hosts.ts';

export interface SshTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** OpenSSH or PEM private key (no passphrase). */
  readonly privateKey: Buffer;
  readonly knownHosts: readonly KnownHostLine[];
  /** Shown in host key errors. */
  readonly knownHostsPath: string;
  /** `terminal.ssh.keepalive_interval_ms`. */
  readonly keepaliveIntervalMs: number;
  /** Unanswered keepalives before the link counts as dead. Default 3. */
  readonly keepaliveCountMax?: number;
  /** Handshake + auth limit, and channel-open limit. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Commands sharing one connection. Default 8 (below sshd's MaxSessions 10). */
  readonly maxChannelsPerConnection?: number;
  /** Extra connections idle this long are closed; the first one stays. Default 60 s. */
  readonly idleCloseMs?: number;
}

interface Conn {
  readonly client: Client;
  readonly ready: Promise<void>;
  channels: number;
  alive: boolean;
  idleSince: number;
}

export class SshConnectionPool {
  readonly #t: SshTarget;
  readonly #conns: Conn[] = [];
  readonly #label: string;
  #closed = false;
  readonly #idleTimer: NodeJS.Timeout;
  /** Connections opened so far (tests: reuse and reconnect). */
  connectCount = 0;

  constructor(target: SshTarget) {
    this.#t = target;
    this.#label = `${target.username}@${knownHostName(target.host, target.port)}`;
    this.#idleTimer = setInterval(() => this.#closeIdle(), Math.min(target.idleCloseMs ?? 60_000, 30_000));
    this.#idleTimer.unref();
  }

  get openConnections(): number {
    return this.#conns.filter((c) => c.alive).length;
  }

  /**
   * Opens a channel running `command`. The command has not started when this throws, except for
   * errors after the channel opened (never retried here: at most once).
   */
  async exec(command: string, signal?: AbortSignal): Promise<ClientChannel> {
    if (this.#closed) throw new BackendUnavailableError('ssh', 'ssh backend is closed');
    const conn = this.#pick();
    conn.channels++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      conn.channels--;
      if (conn.channels === 0) conn.idleSince = Date.now();
    };
    try {
      await withAbort(conn.ready, signal);
      // Not abortable once requested: a channel that opened after the caller left would run unseen.
      // The open is bounded by the connect timeout instead.
      const channel = await new Promise<ClientChannel>((resolve, reject) => {
        let late = false;
        const timer = setTimeout(() => {
          late = true;
          reject(new BackendUnavailableError('ssh', `${this.#label}: no answer to a channel open`));
        }, this.#t.connectTimeoutMs ?? 10_000);
        conn.client.exec(command, (err, ch) => {
          clearTimeout(timer);
          if (late) {
            ch?.close();
            return;
          }
          if (err) reject(new BackendUnavailableError('ssh', `${this.#label}: ${err.message}`, { cause: err }));
          else resolve(ch);
        });
      });
      channel.once('close', release);
      return channel;
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Runs a short command and returns its stdout (session set-up, kill); rejects on a non-zero exit. */
  async run(command: string, signal?: AbortSignal): Promise<string> {
    const ch = await this.exec(command, signal);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    ch.on('data', (d: Buffer) => out.push(d));
    ch.stderr.on('data', (d: Buffer) => err.push(d));
    ch.end();
    const code = await new Promise<number | null>((resolve) => {
      let exit: number | null = null;
      ch.once('exit', (c: number | null) => {
        exit = c;
      });
      ch.once('close', () => resolve(exit));
    });
    if (code !== 0) {
      throw new BackendUnavailableError(
        'ssh',
        `${this.#label}: remote command failed (exit ${code ?? 'none'}): ${Buffer.concat(err).toString('utf8').trim().slice(0, 200)}`,
      );
    }
    return Buffer.concat(out).toString('utf8');
  }

  #pick(): Conn {
    const max = this.#t.maxChannelsPerConnection ?? 8;
    for (const c of this.#conns) if (c.alive && c.channels < max) return c;
    return this.#connect();
  }

  #connect(): Conn {
    const t = this.#t;
    this.connectCount++;
    const client = new Client();
    const pinned = pinnedKeys(t.knownHosts, t.host, t.port);
    let refusal: HostKeyRefusedError | undefined;
    const keyAuth: PublicKeyAuthMethod = { type: 'publickey', username: t.username, key: t.privateKey };
    const config: ConnectConfig = {
      host: t.host,
      port: t.port,
      username: t.username,
      authHandler: [keyAuth],
      hostVerifier: (key: Buffer) => {
        const v = verifyHostKey(t.knownHosts, t.host, t.port, key);
        if (v.ok) return true;
        refusal = new HostKeyRefusedError(knownHostName(t.host, t.port), v.fingerprint, v.reason, t.knownHostsPath);
        return false;
      },
      keepaliveInterval: t.keepaliveIntervalMs,
      keepaliveCountMax: t.keepaliveCountMax ?? 3,
      readyTimeout: t.connectTimeoutMs ?? 10_000,
    };
    // Offer only the pinned key types, so the server cannot present an unpinned one instead.
    const algs = hostKeyAlgorithms(pinned);
    if (algs.length > 0) config.algorithms = { serverHostKey: algs as never };
    const conn: Conn = {
      client,
      channels: 0,
      alive: true,
      idleSince: Date.now(),
      ready: new Promise<void>((resolve, reject) => {
        client.once('ready', () => {
          // Small request/response packets: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms per exchange.
          client.setNoDelay(true);
          resolve();
        });
        client.once('error', (err: Error & { level?: string }) => {
          if (refusal) reject(refusal);
          else if (err.level === 'client-authentication') {
            reject(new BackendUnavailableError('ssh', `${this.#label}: the key was not accepted`, { cause: err }));
          } else {
            reject(
              new BackendUnavailableError('ssh', `${this.#label}: cannot connect (${err.message})`, { cause: err }),
            );
          }
        });
        client.once('close', () =>
          reject(new BackendUnavailableError('ssh', `${this.#label}: connection closed during the handshake`)),
        );
      }),
    };
    conn.ready.catch(() => {});
    const dead = () => {
      conn.alive = false;
      const i = this.#conns.indexOf(conn);
      if (i >= 0) this.#conns.splice(i, 1);
    };
    // After a drop (keepalive timeout, reset, server restart) the next command reconnects.
    client.on('error', dead);
    client.on('close', dead);
    this.#conns.push(conn);
    client.connect(config);
    return conn;
  }

  #closeIdle(): void {
    const limit = this.#t.idleCloseMs ?? 60_000;
    const now = Date.now();
    for (const c of this.#conns.slice(1)) {
      if (c.alive && c.channels === 0 && now - c.idleSince >= limit) {
        c.alive = false;
        c.client.end();
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#idleTimer);
    const all = this.#conns.splice(0);
    await Promise.all(
      all.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.alive = false;
            c.client.once('close', () => resolve());
            c.client.end();
            setTimeout(() => {
              c.client.destroy();
              resolve();
            }, 1000).unref();
          }),
      ),
    );
  }
}

function withAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new BackendUnavailableError('ssh', 'aborted before the command started'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new BackendUnavailableError('ssh', 'aborted before the command started'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
