// An ApprovalCore with in-memory state, for `hermes approvals test --local`: the same decision code as
// the service, against config only (no Postgres allowlist, no session state, nothing persisted).
import type { HermesConfig } from '@hermes/config';
import { MemoryTtlStore } from '@hermes/storage';
import { MemoryAllowlistStore } from './adapters/memory-allowlist-store.ts';
import { ApprovalCore } from './approval-core.ts';
import { loadGrantKeys } from './grant-issuer.ts';
import { approvalSettings } from './settings.ts';

const silent = { info() {}, warn() {}, error() {} };

export function createLocalApprovalCore(
  config: HermesConfig,
  options: { redact?: (s: string) => string; clock?: () => number } = {},
): ApprovalCore {
  const clock = options.clock ?? Date.now;
  return new ApprovalCore({
    settings: approvalSettings(config),
    store: new MemoryTtlStore({ now: clock }),
    allowlist: new MemoryAllowlistStore(),
    keys: loadGrantKeys(config, clock),
    audit: { emit() {}, flush: async () => {} },
    redact: options.redact ?? ((s) => s),
    clock,
    logger: silent,
    sweepMs: 0,
  });
}
