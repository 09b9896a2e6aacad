import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import { PairingStoreError } from '../errors.ts';
import type { ApprovedRecord, PairingStore, PairingTx, PendingRecord } from '../ports/pairing-store.ts';

type Sql = postgres.Sql | postgres.TransactionSql;

interface PendingRow {
  request_id: string;
  platform: string;
  user_id: string;
  display_name: string;
  code_hash: string;
  salt: string;
  created_at: Date;
  expires_at: Date;
}

interface ApprovedRow {
  platform: string;
  user_id: string;
  display_name: string;
  approved_at: Date;
}

const toPending = (r: PendingRow): PendingRecord => ({
  requestId: r.request_id,
  platform: r.platform,
  userId: r.user_id,
  displayName: r.display_name,
  code: { hash: r.code_hash, salt: r.salt },
  createdAt: r.created_at.getTime(),
  expiresAt: r.expires_at.getTime(),
});

const toApproved = (r: ApprovedRow): ApprovedRecord => ({
  platform: r.platform,
  userId: r.user_id,
  displayName: r.display_name,
  approvedAt: r.approved_at.getTime(),
});

/**
 * A stable 64-bit advisory-lock key per platform. Transaction-scoped locks only: embedded PGlite
 * shares one session between clients, so a session lock would be held by everyone.
 */
function lockKey(platform: string): string {
  return createHash('sha256').update(`hermes.authz.pairing:${platform}`).digest().readBigInt64BE(0).toString();
}

async function run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new PairingStoreError(operation, { cause: error });
  }
}

// Table names are schema-qualified (no session-level search_path under PGlite).
class PgQueries {
  readonly #sql: Sql;
  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async isApproved(platform: string, userId: string): Promise<boolean> {
    const rows = await this.#sql`
      select 1 from authz.approved_users where platform = ${platform} and user_id = ${userId}`;
    return rows.length > 0;
  }

  async pruneExpired(platform: string, now: number): Promise<number> {
    const rows = await this.#sql`
      delete from authz.pending_requests where platform = ${platform} and expires_at <= ${new Date(now)}
      returning request_id`;
    return rows.length;
  }

  async pending(platform: string, now: number): Promise<PendingRecord[]> {
    const rows = await this.#sql<PendingRow[]>`
      select * from authz.pending_requests
      where platform = ${platform} and expires_at > ${new Date(now)}
      order by created_at, request_id`;
    return rows.map(toPending);
  }

  async insertPending(r: PendingRecord): Promise<void> {
    await this.#sql`
      delete from authz.pending_requests where platform = ${r.platform} and user_id = ${r.userId}`;
    await this.#sql`
      insert into authz.pending_requests
        (request_id, platform, user_id, display_name, code_hash, salt, created_at, expires_at)
      values (${r.requestId}, ${r.platform}, ${r.userId}, ${r.displayName}, ${r.code.hash}, ${r.code.salt},
              ${new Date(r.createdAt)}, ${new Date(r.expiresAt)})`;
  }

  async approve(r: ApprovedRecord): Promise<void> {
    await this.#sql`
      insert into authz.approved_users (platform, user_id, display_name, approved_at)
      values (${r.platform}, ${r.userId}, ${r.displayName}, ${new Date(r.approvedAt)})
      on conflict (platform, user_id) do update
        set display_name = excluded.display_name, approved_at = excluded.approved_at`;
    await this.#sql`
      delete from authz.pending_requests where platform = ${r.platform} and user_id = ${r.userId}`;
  }
}

/** Every query's failure is a PairingStoreError naming the operation. */
class PgTx implements PairingTx {
  readonly #q: PgQueries;
  constructor(sql: Sql) {
    this.#q = new PgQueries(sql);
  }
  isApproved(platform: string, userId: string): Promise<boolean> {
    return run('lookup', () => this.#q.isApproved(platform, userId));
  }
  pruneExpired(platform: string, now: number): Promise<number> {
    return run('prune', () => this.#q.pruneExpired(platform, now));
  }
  pending(platform: string, now: number): Promise<PendingRecord[]> {
    return run('read pending', () => this.#q.pending(platform, now));
  }
  insertPending(record: PendingRecord): Promise<void> {
    return run('insert pending', () => this.#q.insertPending(record));
  }
  approve(record: ApprovedRecord): Promise<void> {
    return run('approve', () => this.#q.approve(record));
  }
}

/** {@link PairingStore} over Postgres (or embedded PGlite), schema `authz`. */
export class PgPairingStore implements PairingStore {
  readonly #sql: postgres.Sql;
  readonly #plain: PgTx;

  constructor(sql: postgres.Sql) {
    this.#sql = sql;
    this.#plain = new PgTx(sql);
  }

  #run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return run(operation, fn);
  }

  async withPlatformLock<T>(platform: string, fn: (tx: PairingTx) => Promise<T>): Promise<T> {
    // Errors thrown by `fn` itself (TTL store, ...) pass through unchanged; begin/commit failures are ours.
    let inner: unknown;
    try {
      return (await this.#sql.begin(async (tx) => {
        await run('lock', () => tx`select pg_advisory_xact_lock(${lockKey(platform)}::bigint)`);
        try {
          return await fn(new PgTx(tx));
        } catch (error) {
          inner = error;
          throw error;
        }
      })) as T;
    } catch (error) {
      if (error === inner || error instanceof PairingStoreError) throw error;
      throw new PairingStoreError('transaction', { cause: error });
    }
  }

  isApproved(platform: string, userId: string): Promise<boolean> {
    return this.#plain.isApproved(platform, userId);
  }

  revoke(platform: string, userId: string): Promise<ApprovedRecord | undefined> {
    return this.#run('revoke', async () => {
      const [row] = await this.#sql<ApprovedRow[]>`
        delete from authz.approved_users where platform = ${platform} and user_id = ${userId} returning *`;
      return row ? toApproved(row) : undefined;
    });
  }

  listApproved(platform: string | undefined): Promise<ApprovedRecord[]> {
    return this.#run('list', async () => {
      const rows = await this.#sql<ApprovedRow[]>`
        select * from authz.approved_users
        ${platform === undefined ? this.#sql`` : this.#sql`where platform = ${platform}`}
        order by platform, approved_at, user_id`;
      return rows.map(toApproved);
    });
  }

  listPending(platform: string | undefined, now: number): Promise<PendingRecord[]> {
    return this.#run('list', async () => {
      const scope = platform === undefined ? this.#sql`` : this.#sql`and platform = ${platform}`;
      await this.#sql`delete from authz.pending_requests where expires_at <= ${new Date(now)} ${scope}`;
      const rows = await this.#sql<PendingRow[]>`
        select * from authz.pending_requests where expires_at > ${new Date(now)} ${scope}
        order by platform, created_at, request_id`;
      return rows.map(toPending);
    });
  }

  clearPending(platform: string | undefined, now: number): Promise<number> {
    return this.#run('clear', async () => {
      const scope = platform === undefined ? this.#sql`` : this.#sql`and platform = ${platform}`;
      const rows = await this.#sql<{ expires_at: Date }[]>`
        delete from authz.pending_requests where true ${scope} returning expires_at`;
      return rows.filter((r) => r.expires_at.getTime() > now).length;
    });
  }
}
