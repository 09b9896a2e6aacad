export { createTestDatabase, type TestDatabase } from './create-test-database.ts';
export { type DockerHandle, ensureDocker } from './ensure-docker.ts';
export { BinaryNotFoundError, HarnessUsageError, InfraStartError } from './errors.ts';
export { freePort } from './free-port.ts';
export { trackedPids } from './process-reaper.ts';
export type { ServiceHandle, StartOptions } from './service-handle.ts';
export { type NatsHandle, type StartNatsOptions, startNats } from './start-nats.ts';
export { type StartPostgresOptions, startPostgres } from './start-postgres.ts';
export { startRedis } from './start-redis.ts';
