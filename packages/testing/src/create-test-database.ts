import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export interface TestDatabase {
  /** URL of the new, empty database (same server and credentials as the base URL). */
  readonly url: string;
  readonly name: string;
  /** Drops the database (terminating leftover sessions). Idempotent. */
  drop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Creates a fresh database `hermes_test_<random>` on the server behind `baseUrl`, so a test gets
 * isolation from every other test sharing the run's Postgres. Needs CREATEDB on the base role
 * (the harness' Postgres connects as superuser).
 */
export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const name = `hermes_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`CREATE DATABASE ${admin(name)}`;
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    const sql = postgres(baseUrl, { max: 1, onnotice: () => {} });
    try {
      // WITH (FORCE) (Postgres 13+) ends sessions a test forgot to close.
      await sql`DROP DATABASE IF EXISTS ${sql(name)} WITH (FORCE)`;
    } finally {
      await sql.end();
    }
  };
  return { url: url.toString(), name, drop, [Symbol.asyncDispose]: drop };
}
