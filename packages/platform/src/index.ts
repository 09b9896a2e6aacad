export {
  type AuditEventInit,
  type AuditSink,
  auditSubject,
  InProcessAuditBus,
  inProcessAuditSink,
  natsAuditSink,
} from './audit-sink.ts';
export { readEndpoints, removeEndpoints, type ServiceEndpoints, writeEndpoints } from './endpoints-file.ts';
export { migrateAndRegister } from './instance-record.ts';
export { arrivesWith } from './later-issue.ts';
export { SharedResources } from './resources.ts';
export { rpcMetricsObserver } from './rpc-metrics.ts';
export { type ProcessIo, type RunPlatformOptions, runPlatformProcess } from './run-process.ts';
export { runStandalone } from './run-standalone.ts';
export type { ServiceDeps, ServiceInstance, ServiceModule } from './service-module.ts';
export { type RunningPlatform, type StartPlatformOptions, startPlatform } from './start-platform.ts';
export { type BusBinding, type RunningService, type StartServiceOptions, startService } from './start-service.ts';
export { HERMES_VERSION } from './version.ts';
