// API keys in Postgres schema `gateway` (migrations/0002_api_keys.sql). Same SQL on real Postgres and
// on the embedded PGlite of `hermes up`.
import type { Database } from '@hermes/storage';
import { ApiKeyStoreError } from '../errors.ts';
import type { Scope } from './scopes.ts';

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly ratePerMinute: number;
  readonly unattended: boolean;
  readonly createdAt: number;
  readonly revokedAt: number | undefined;
}

export interface StoredKey extends ApiKeyRecord {
  readonly hash: Uint8Array;
}

interface Row {
  id: string;
  name: string;
  scopes: string[];
  key_hash: Uint8Array;
  rate_per_minute: number;
  unattended: boolean;
  created_at: Date;
  revoked_at: Date | null;
}

function toStored(r: Row): StoredKey {
  return {
    id: r.id,
    name: r.name,
    scopes: r.scopes as Scope[],
    hash: r.key_hash,
    ratePerMinute: r.rate_per_minute,
    unattended: r.unattended,
    createdAt: r.created_at.getTime(),
    revokedAt: r.revoked_at ? r.revoked_at.getTime() : undefined,
  };
}

function publicView(k: StoredKey): ApiKeyRecord {
  const { hash: _hash, ...rest } = k;
  return rest;
}

export class PgApiKeyStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async create(input: {
    id: string;
    name: string;
    scopes: readonly Scope[];
    hash: Uint8Array;
    ratePerMinute: number;
    unattended: boolean;
    createdAt: number;
    createdBy: string;
  }): Promise<ApiKeyRecord> {
    const sql = this.#db.sql;
    try {
      const rows = await sql<Row[]>`
        insert into gateway.api_keys (id, name, scopes, key_hash, rate_per_minute, unattended, created_at, created_by)
        values (${input.id}, ${input.name}, ${sql.array([...input.scopes])}, ${Buffer.from(input.hash)},
                ${input.ratePerMinute}, ${input.unattended}, ${new Date(input.createdAt)}, ${input.createdBy})
        returning *`;
      return publicView(toStored(rows[0] as Row));
    } catch (e) {
      throw new ApiKeyStoreError('create', { cause: e });
    }
  }

  async find(id: string): Promise<StoredKey | undefined> {
    try {
      const rows = await this.#db.sql<Row[]>`select * from gateway.api_keys where id = ${id}`;
      return rows[0] ? toStored(rows[0]) : undefined;
    } catch (e) {
      throw new ApiKeyStoreError('find', { cause: e });
    }
  }

  async list(includeRevoked: boolean): Promise<ApiKeyRecord[]> {
    try {
      const rows = includeRevoked
        ? await this.#db.sql<Row[]>`select * from gateway.api_keys order by created_at, id`
        : await this.#db.sql<Row[]>`select * from gateway.api_keys where revoked_at is null order by created_at, id`;
      return rows.map((r) => publicView(toStored(r)));
    } catch (e) {
      throw new ApiKeyStoreError('list', { cause: e });
    }
  }

  /** True when a live key was revoked now (false: unknown or already revoked). */
  async revoke(id: string, at: number): Promise<boolean> {
    try {
      const rows = await this.#db.sql`
        update gateway.api_keys set revoked_at = ${new Date(at)} where id = ${id} and revoked_at is null returning id`;
      return rows.length > 0;
    } catch (e) {
      throw new ApiKeyStoreError('revoke', { cause: e });
    }
  }
}
