// Generated code lives in ./gen (never edited; `make gen` rewrites it). One namespace per proto package.
export * as healthv1 from './gen/grpc/health/v1/health_pb.js';
export * as reflectionv1 from './gen/grpc/reflection/v1/reflection_pb.js';
export * as reflectionv1alpha from './gen/grpc/reflection/v1alpha/reflection_pb.js';
export * as agentv1 from './gen/hermes/agent/v1/agent_pb.js';
export * as approvalv1 from './gen/hermes/approval/v1/approval_pb.js';
export * as auditv1 from './gen/hermes/audit/v1/audit_pb.js';
export * as authzv1 from './gen/hermes/authz/v1/authz_pb.js';
export * as commonv1 from './gen/hermes/common/v1/common_pb.js';
export * as executorv1 from './gen/hermes/executor/v1/executor_pb.js';
export * as gatewayv1 from './gen/hermes/gateway/v1/gateway_pb.js';
export * as scannerv1 from './gen/hermes/scanner/v1/scanner_pb.js';
export * as testingv1 from './gen/hermes/testing/v1/echo_pb.js';
