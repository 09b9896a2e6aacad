import type { ServiceName } from '@hermes/config';
import type { ServiceModule } from '@hermes/platform';
import { agentService } from '@hermes/svc-agent';
import { approvalService } from '@hermes/svc-approval';
import { auditService } from '@hermes/svc-audit';
import { authzService } from '@hermes/svc-authz';
import { executorService } from '@hermes/svc-executor';
import { gatewayService } from '@hermes/svc-gateway';
import { scannerService } from '@hermes/svc-scanner';

/** Every deployable, in start order (dependencies first: audit before the services that emit to it). */
export const SERVICE_MODULES: Readonly<Record<ServiceName, ServiceModule>> = {
  audit: auditService,
  authz: authzService,
  scanner: scannerService,
  approval: approvalService,
  executor: executorService,
  agent: agentService,
  gateway: gatewayService,
};
