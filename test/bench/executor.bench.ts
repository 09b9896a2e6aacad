// `make bench`: executor latencies side by side (issue #7 acceptance).
//   node test/run-tests.ts --bench test/bench/executor.bench.ts
// The measurement lives beside the service (services/executor/test/executor-latency.bench.ts) so it
// resolves that package's dependencies; this file is the entry point the Makefile's bench loop finds.
await import('../../services/executor/test/executor-latency.bench.ts');
