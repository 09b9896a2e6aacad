import { fileURLToPath } from 'node:url';
import { HERMES_VERSION, migrateAndRegister, type ServiceModule } from '@hermes/platform';
import { initShellParserFromDisk } from '@hermes/security/node';
import { PgAllowlistStore } from './adapters/pg-allowlist-store.ts';
import { ApprovalCore } from './approval-core.ts';
import { loadGrantKeys } from './grant-issuer.ts';
import { approvalRegistration } from './server.ts';
import { approvalSettings } from './settings.ts';
import { createChatCompletionsReviewer } from './smart/smart-reviewer.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** Layer 2, command approval: dangerous-command patterns, the hardline floor, modes (manual / smart / off, YOLO), once / session / always grants, fail-closed asks, signed execution grants. */
export const approvalService: ServiceModule = {
  name: 'approval',
  async create(deps) {
    await migrateAndRegister(deps, 'approval', migrationsDir, HERMES_VERSION);
    await initShellParserFromDisk();
    const [db, store] = await Promise.all([deps.database(), deps.ttlStore()]);
    const settings = approvalSettings(deps.config);
    const keys = loadGrantKeys(deps.config, deps.clock);
    const active = keys.keys.find((k) => k.active);
    if (keys.ephemeral) {
      deps.logger.warn(
        { keyId: active?.keyId, distributed: deps.config.runtime.nats_url !== undefined },
        'no approvals.grants.signing_key configured: signing execution grants with an ephemeral Ed25519 key (lost at exit; executors learn it through ListGrantKeys). Configure a key for more than one process.',
      );
    } else {
      deps.logger.info({ keyId: active?.keyId }, 'execution grants signed with the configured key');
    }
    if (settings.mode === 'smart' && !settings.smart) {
      deps.logger.warn(
        {},
        'approvals.mode is smart without approvals.smart.base_url/model: flagged commands go to a human',
      );
    }
    const reviewer =
      settings.mode === 'smart' && settings.smart
        ? createChatCompletionsReviewer({
            baseUrl: settings.smart.baseUrl,
            model: settings.smart.model,
            apiKey: settings.smart.apiKey,
            timeoutMs: settings.smart.timeoutMs,
          })
        : undefined;
    const core = new ApprovalCore({
      settings,
      store,
      allowlist: new PgAllowlistStore(db),
      keys,
      audit: deps.audit,
      redact: (s) => deps.redactor.redact(s),
      clock: deps.clock,
      reviewer,
      logger: deps.logger,
    });
    return {
      registrations: [approvalRegistration(core)],
      close: async () => core.close(),
    };
  },
};

export { type AllowlistView, ApprovalCore, type ApprovalCoreDeps, DEFAULT_PROFILE } from './approval-core.ts';
export type { AskRecord, Choice, Outcome, Verdict } from './domain/types.ts';
export { type GrantKeyRing, loadGrantKeys, type PublishedKey } from './grant-issuer.ts';
export { createLocalApprovalCore } from './local-core.ts';
export { approvalRegistration, createApprovalHandlers } from './server.ts';
export { type ApprovalSettings, approvalSettings } from './settings.ts';
