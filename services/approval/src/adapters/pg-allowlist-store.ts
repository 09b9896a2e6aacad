// AllowlistStore on Postgres (or the embedded PGlite: same SQL, schema-qualified, no session state).
import type { Database } from '@hermes/storage';
import { AllowlistStoreError } from '../errors.ts';
import type { AllowlistRecord, AllowlistStore } from '../ports/allowlist-store.ts';

interface Row {
  profile: string;
  entry: string;
  created_at: Date;
  created_by: string;
  request_id: string;
}

export class PgAllowlistStore implements AllowlistStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async list(profile: string): Promise<AllowlistRecord[]> {
    try {
      const rows = await this.#db.sql<Row[]>`
        select profile, entry, created_at, created_by, request_id
        from approval.allowlist where profile = ${profile}
        order by created_at, entry`;
      return rows.map((r) => ({
        profile: r.profile,
        entry: r.entry,
        createdAt: r.created_at.getTime(),
        createdBy: r.created_by,
        requestId: r.request_id,
      }));
    } catch (e) {
      throw new AllowlistStoreError('list', { cause: e });
    }
  }

  async add(
    profile: string,
    entries: readonly string[],
    by: { readonly createdBy: string; readonly requestId: string; readonly at: number },
  ): Promise<number> {
    if (entries.length === 0) return 0;
    try {
      const rows = entries.map((entry) => ({
        profile,
        entry,
        created_at: new Date(by.at),
        created_by: by.createdBy,
        request_id: by.requestId,
      }));
      const res = await this.#db.sql`
        insert into approval.allowlist ${this.#db.sql(rows, 'profile', 'entry', 'created_at', 'created_by', 'request_id')}
        on conflict (profile, entry) do nothing`;
      return res.count;
    } catch (e) {
      throw new AllowlistStoreError('add', { cause: e });
    }
  }

  async remove(profile: string, entry: string): Promise<boolean> {
    try {
      const res = await this.#db.sql`delete from approval.allowlist where profile = ${profile} and entry = ${entry}`;
      return res.count > 0;
    } catch (e) {
      throw new AllowlistStoreError('remove', { cause: e });
    }
  }
}
