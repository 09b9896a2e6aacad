// `make bench`: authz Check p50/p99 in-process and over NATS (issue #5), with real Postgres + Redis.
//   node test/run-tests.ts --bench test/bench/authz.bench.ts
// The measurement lives beside the service (services/authz/test/check-latency.bench.ts) so it resolves that package's
// dependencies; this file is the entry point the Makefile's bench loop finds.
await import('../../services/authz/test/check-latency.bench.ts');
