// `make bench`: audit ingestion end to end (issue #8 item 4), with real NATS (JetStream) and Postgres.
//   node test/run-tests.ts --bench test/bench/audit.bench.ts
// The measurement lives beside the service (services/audit/test/ingest.bench.ts) so it resolves that package's
// dependencies; this file is the entry point the Makefile's bench loop finds.
await import('../../services/audit/test/ingest.bench.ts');
