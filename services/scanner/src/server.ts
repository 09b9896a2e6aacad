import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { HermesConfig } from '@hermes/config';
import { checkUrl } from '@hermes/net';
import { scannerv1 } from '@hermes/proto';
import { Code, defineService, RpcError, type ServiceImpl, type ServiceRegistration } from '@hermes/rpc';
import {
  analyzeCommand,
  CommandTooLargeError,
  createUrlPolicy,
  createWebsiteBlocklist,
  type Redactor,
  scanContextFile,
  type UrlPolicy,
  type WebsiteBlocklist,
} from '@hermes/security';
import { ExternalTirith } from './adapters/tirith-process.ts';
import type { TirithVerdict } from './domain/tirith-verdict.ts';
import { contextFinding, externalTirithFinding, toProtoFinding } from './findings.ts';

/** Largest context file or text accepted for scanning (the security core caps scan cost further). */
const MAX_TEXT_CHARS = 4 * 1024 * 1024;

export interface ScannerDeps {
  readonly config: HermesConfig;
  readonly redactor: Redactor;
  /** For the `tirith` PATH lookup; only PATH, HOME, LANG, LC_ALL and TMPDIR reach the child. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

const TIRITH_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR'] as const;

/** Website blocklist from config; shared files are read once at start (relative paths against HERMES_HOME). */
export function loadWebsiteBlocklist(config: HermesConfig): WebsiteBlocklist {
  const wb = config.security.website_blocklist;
  const sharedFiles = wb.shared_files.map((p) => {
    const path = isAbsolute(p) ? p : join(config.home, p);
    return { path, content: readFileSync(path, 'utf8') };
  });
  return createWebsiteBlocklist({ enabled: wb.enabled, domains: [...wb.domains], sharedFiles });
}

/** `hermes.scanner.v1.ScannerService`: the pure security core behind an RPC, plus config. */
export function createScannerHandlers(deps: ScannerDeps): ServiceImpl<typeof scannerv1.ScannerService> {
  const redact = (s: string) => deps.redactor.redact(s);
  const policy: UrlPolicy = createUrlPolicy({ allowPrivateUrls: deps.config.security.allow_private_urls });
  const blocklist = loadWebsiteBlocklist(deps.config);
  const sec = deps.config.security;
  const tirithEnv: Record<string, string | undefined> = {};
  for (const k of TIRITH_ENV) tirithEnv[k] = deps.env[k];
  const tirith = new ExternalTirith(
    {
      enabled: sec.tirith_enabled,
      path: sec.tirith_path,
      timeoutSeconds: sec.tirith_timeout,
      failOpen: sec.tirith_fail_open,
    },
    { env: tirithEnv },
  );
  return {
    async scanCommand(req, ctx) {
      if (req.command.length === 0) throw new RpcError(Code.INVALID_ARGUMENT, 'command is empty');
      try {
        const analysis = analyzeCommand(req.command);
        const hardline = analysis.findings.some((f) => f.source === 'hardline');
        const findings = analysis.findings.map((f) => toProtoFinding(f, redact));
        // The hardline floor already refuses; no need to wait for the external scanner.
        const verdict: TirithVerdict = hardline
          ? { action: 'allow', findings: [], skipped: true }
          : await tirith.check(req.command, ctx.signal);
        for (const f of verdict.findings) findings.push(toProtoFinding({ ...f, source: 'tirith' }, redact, true));
        // tirith_fail_open: false and Tirith could not answer → a blocking finding (never a silent allow).
        if (verdict.failure && verdict.action === 'block') findings.push(externalTirithFinding(verdict.failure));
        return { findings, hardline, externalError: verdict.failure ?? '' };
      } catch (err) {
        if (err instanceof CommandTooLargeError) {
          throw new RpcError(Code.INVALID_ARGUMENT, `command is ${err.length} characters; the limit is 1 MiB`);
        }
        throw err;
      }
    },
    scanContext(req) {
      if (req.filename.length === 0) throw new RpcError(Code.INVALID_ARGUMENT, 'filename is required');
      if (req.content.length > MAX_TEXT_CHARS) {
        throw new RpcError(Code.RESOURCE_EXHAUSTED, `context file is larger than ${MAX_TEXT_CHARS} characters`);
      }
      const r = scanContextFile(req.filename, req.content);
      return r.decision === 'blocked'
        ? { blocked: true, findings: r.findings.map(contextFinding), replacement: r.replacement }
        : { blocked: false };
    },
    async checkUrl(req, ctx) {
      if (req.url.length === 0) throw new RpcError(Code.INVALID_ARGUMENT, 'url is required');
      const d = await checkUrl(req.url, { policy, blocklist, signal: ctx.signal });
      return { allowed: d.decision === 'allow', reason: d.reason };
    },
    redact(req) {
      if (req.text.length > MAX_TEXT_CHARS) {
        throw new RpcError(Code.RESOURCE_EXHAUSTED, `text is larger than ${MAX_TEXT_CHARS} characters`);
      }
      const text = deps.redactor.redact(req.text);
      // Pattern spans, and at least one when only a known secret value was removed.
      const spans = deps.redactor.spans(req.text).length;
      return { text, redactions: text === req.text ? 0 : Math.max(1, spans) };
    },
  };
}

export function scannerRegistration(deps: ScannerDeps): ServiceRegistration<typeof scannerv1.ScannerService> {
  return defineService(scannerv1.ScannerService, createScannerHandlers(deps));
}
