export { currentCall, DEFAULT_TIMEOUT_MS, type HandlerContext, newRequestId } from './call-context.ts';
export { type CallOptions, type Client, type ClientOptions, createClient } from './client.ts';
export { RpcError, TransportClosedError } from './errors.ts';
export { grpcServiceDefinition } from './grpc-adapter.ts';
export { type GrpcServing, type ServeGrpcOptions, serveGrpc } from './grpc-server.ts';
export { GrpcTransport } from './grpc-transport.ts';
export { HealthRegistry, ServingStatus } from './health.ts';
export { InProcessBus } from './in-process-transport.ts';
export { type RpcLogger, silentLogger } from './logger.ts';
export { type BusConnection, type ConnectBusOptions, connectBus } from './nats-connection.ts';
export { type NatsServing, serveNats } from './nats-server.ts';
export { NatsTransport } from './nats-transport.ts';
export { fromNatsErrorHeaders, NatsStatusHeader, natsErrorHeaders, toRpcError } from './rpc-status.ts';
export {
  type CallObserver,
  DEFAULT_MAX_MESSAGE_BYTES,
  defineService,
  type ServiceImpl,
  type ServiceRegistration,
  serviceNameOf,
} from './service-impl.ts';
export { Code, type CodeName, codeName, isCodeName, parseCode } from './status-code.ts';
export { methodOf, methodSubject, servicePrefix, serviceWildcard } from './subjects.ts';
export { CallHeader, type OutgoingCall, type Transport } from './transport.ts';
