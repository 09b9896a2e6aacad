import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { migrate } from '@hermes/storage';
import type { ServiceDeps } from './service-module.ts';

/**
 * Applies a service's migrations (ARCHITECTURE: "SQL migrations kept beside the service and applied
 * at start") and records this replica in `<schema>.instances`, so operators can see which replicas
 * ran against a database and with which version.
 */
export async function migrateAndRegister(
  deps: ServiceDeps,
  schema: string,
  migrationsDir: string,
  version: string,
): Promise<{ instanceId: string }> {
  const db = await deps.database();
  await migrate(db.sql, { schema, migrations: migrationsDir });
  const instanceId = randomUUID();
  await db.sql`
    insert into ${db.sql(schema)}.instances (id, host, version, started_at)
    values (${instanceId}, ${hostname()}, ${version}, ${new Date(deps.clock())})`;
  return { instanceId };
}
