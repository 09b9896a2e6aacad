// `hermes check` content kinds (issue #4 item 6): `url`, `context`, `text` items of the `--jsonl`
// stream (called by check.ts), and the single-shot forms `hermes check url URL` and
// `hermes check context FILE`.
import { readFile } from 'node:fs/promises';
import { formatConfigError, loadConfig, secretValues } from '@hermes/config';
import { checkUrl } from '@hermes/net';
import {
  createRedactor,
  createUrlPolicy,
  DEFAULT_URL_POLICY,
  type Redactor,
  scanContextFile,
  type UrlPolicy,
  type WebsiteBlocklist,
} from '@hermes/security';
import { loadWebsiteBlocklist } from '@hermes/svc-scanner';
import type { CliIo } from './check.ts';

export interface ContentCheckItem {
  readonly id: string;
  readonly kind: 'url' | 'context' | 'text';
  readonly input: string;
  readonly filename?: string;
}

export interface ContentCheckOptions {
  /** Deny hostnames that need DNS instead of resolving them. */
  readonly noDns: boolean;
  /** URL policy from config (`security.allow_private_urls`, fake-IP ranges); default: strict. */
  readonly policy?: UrlPolicy;
  readonly blocklist?: WebsiteBlocklist;
  /** Redactor carrying the platform's known secret values; default: patterns only. */
  readonly redactor?: Redactor;
}

const defaultRedactor = createRedactor();

/** One JSON result object per item; never throws for bad input (the stream must keep going). */
export async function checkContentItem(
  item: ContentCheckItem,
  opts: ContentCheckOptions,
): Promise<Record<string, unknown>> {
  const id = item.id;
  if (typeof item.input !== 'string') return { id, error: "'input' must be a string" };
  switch (item.kind) {
    case 'url': {
      const d = await checkUrl(item.input, {
        noDns: opts.noDns,
        policy: opts.policy ?? DEFAULT_URL_POLICY,
        ...(opts.blocklist ? { blocklist: opts.blocklist } : {}),
      });
      return { id, decision: d.decision, reason: d.reason };
    }
    case 'context': {
      const filename = typeof item.filename === 'string' && item.filename !== '' ? item.filename : 'context file';
      const r = scanContextFile(filename, item.input);
      return r.decision === 'blocked'
        ? { id, decision: 'blocked', findings: r.findings, replacement: r.replacement }
        : { id, decision: 'clean', findings: [] };
    }
    case 'text':
      return { id, redacted: (opts.redactor ?? defaultRedactor).redact(item.input) };
    default:
      return { id, error: `kind '${String((item as { kind: unknown }).kind)}' is not a content kind` };
  }
}

const USAGE = {
  url: 'usage: hermes check url [--no-dns] URL\n',
  context: 'usage: hermes check context [--filename NAME] FILE\n',
} as const;

/**
 * `hermes check url URL` / `hermes check context FILE`: prints the JSON result; exit 0 for
 * allow/clean, 1 for deny/blocked, 2 for usage or read errors.
 */
/**
 * The URL policy, website blocklist and redactor the running platform would use, from
 * `$HERMES_HOME/config.yaml`, `.env` and the environment (`security.allow_private_urls`,
 * `security.website_blocklist`, known secret values). Throws ConfigError on a broken config.
 */
export function contentOptionsFromConfig(env: NodeJS.ProcessEnv): Omit<ContentCheckOptions, 'noDns'> {
  const config = loadConfig(env);
  return {
    policy: createUrlPolicy({ allowPrivateUrls: config.security.allow_private_urls }),
    blocklist: loadWebsiteBlocklist(config),
    redactor: createRedactor({ knownSecrets: secretValues(config) }),
  };
}

export async function runCheckContent(sub: 'url' | 'context', argv: readonly string[], io: CliIo): Promise<number> {
  let noDns = false;
  let filename: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--no-dns') noDns = true;
    else if (a === '--filename' && i + 1 < argv.length) filename = argv[++i];
    else if (a === '-h' || a === '--help') {
      io.stdout.write(USAGE[sub]);
      return 0;
    } else rest.push(a);
  }
  if (rest.length !== 1) {
    io.stderr.write(USAGE[sub]);
    return 2;
  }
  const target = rest[0]!;
  let fromConfig: Omit<ContentCheckOptions, 'noDns'>;
  try {
    fromConfig = contentOptionsFromConfig(io.env);
  } catch (e) {
    io.stderr.write(`${formatConfigError(e)}\n`);
    return 2;
  }
  let result: Record<string, unknown>;
  if (sub === 'url') {
    result = await checkContentItem({ id: target, kind: 'url', input: target }, { noDns, ...fromConfig });
  } else {
    let content: string;
    try {
      content = await readFile(target, 'utf8');
    } catch (e) {
      io.stderr.write(`hermes check context: cannot read ${target}: ${(e as NodeJS.ErrnoException).code ?? 'error'}\n`);
      return 2;
    }
    const name = filename ?? target.replace(/^\.\//, '');
    result = await checkContentItem(
      { id: target, kind: 'context', input: content, filename: name },
      { noDns, ...fromConfig },
    );
  }
  io.stdout.write(`${JSON.stringify(result)}\n`);
  return result.decision === 'allow' || result.decision === 'clean' ? 0 : 1;
}
