// Vendor-prefixed credential formats (issue #4 item 2; hermes-behaviour §9 prefix list plus a few
// common ones). Every rule starts with a literal prefix and has a body floor, so it is both cheap to
// find and hard to trip on prose. Bodies tolerate control / zero-width characters and ANSI colour
// codes spliced between characters ("tokens split by control chars are still masked").

/** One splice between body characters: an ANSI CSI sequence, a C0 control (not \t\n\r) or zero-width. */
const SPLICE = String.raw`(?:\x1b\[[0-9;]{0,16}[A-Za-z]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff])`;

/** `min`+ body characters of class `cls`, splices allowed only between body characters. */
export function body(cls: string, min: number): string {
  return `${cls}(?:${cls}|${SPLICE}(?=${cls})){${Math.max(0, min - 1)},}`;
}

export interface VendorRule {
  readonly kind: string;
  /** Literal prefixes; the first matching prefix (longest first) picks the kind. */
  readonly prefixes: readonly string[];
  readonly source: string;
}

const AN = '[A-Za-z0-9]';
const ANU = '[A-Za-z0-9_]';
const AND = '[A-Za-z0-9_-]';

const v = (kind: string, prefixes: readonly string[], source: string): VendorRule => ({ kind, prefixes, source });
const alt = (xs: readonly string[]) => xs.map((x) => x.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');

const GITLAB = [
  'glpat-',
  'gloas-',
  'gldt-',
  'glrt-',
  'glrtr-',
  'glcbt-',
  'glptt-',
  'glft-',
  'glimt-',
  'glagent-',
  'glsoat-',
  'glffct-',
  'glwt-',
];

export const VENDOR_RULES: readonly VendorRule[] = [
  v('github_token', ['github_pat_'], `github_pat_${body(ANU, 10)}`),
  v('github_token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], `gh[pousr]_${body(AN, 10)}`),
  v('anthropic_key', ['sk-ant-'], `sk-ant-${body(AND, 10)}`),
  // Dotted bodies (Alibaba `sk-sp-…`) are allowed one dot at a time so a sentence's full stop stays.
  v('openai_key', ['sk-'], `sk-${AND}(?:\\.?${AND}){9,}`),
  v('stripe_key', ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'], `[sr]k_(?:live|test)_${body(AN, 10)}`),
  v('stripe_webhook_secret', ['whsec_'], `whsec_${body(AN, 20)}`),
  v('slack_token', ['xapp-'], `xapp-\\d{1,4}-[A-Za-z0-9-]{10,}`),
  v('slack_token', ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-', 'xoxe-'], `xox[abprse]-[A-Za-z0-9-]{10,}`),
  v('google_api_key', ['AIza'], `AIza${body(AND, 30)}`),
  v('google_oauth_token', ['ya29.'], `ya29\\.${body(AND, 20)}`),
  v('aws_access_key_id', ['AKIA', 'ASIA'], `A[KS]IA[A-Z0-9]{16}(?![A-Za-z0-9])`),
  v('sendgrid_key', ['SG.'], `SG\\.${body(AND, 10)}(?:\\.${AND}{10,})?`),
  v('huggingface_token', ['hf_'], `hf_${body(AN, 10)}`),
  v('npm_token', ['npm_'], `npm_${body(AN, 10)}`),
  v('pypi_token', ['pypi-'], `pypi-${body(AND, 10)}`),
  v('gitlab_token', GITLAB, `(?:${alt(GITLAB)})[A-Za-z0-9_.-]{10,}`),
  v('gitlab_token', ['GR1348941'], `GR1348941${body(AND, 10)}`),
  v('vault_token', ['hvs.', 'hvb.'], `hv[sb]\\.${body(AND, 20)}`),
  v('shopify_token', ['shpat_', 'shpss_', 'shpca_', 'shppa_'], `shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}`),
  v('linear_key', ['lin_api_'], `lin_api_${body(AN, 20)}`),
  v('square_token', ['sq0atp-', 'sq0csp-'], `sq0(?:atp|csp)-${body(AND, 20)}`),
  v('age_secret_key', ['AGE-SECRET-KEY-1'], `AGE-SECRET-KEY-1[A-Z0-9]{20,}`),
  v('nvidia_key', ['nvapi-'], `nvapi-${body(AND, 20)}`),
  v('grafana_token', ['glc_', 'glsa_'], `gl(?:c|sa)_${body(AND, 20)}`),
  v('sentry_token', ['sntrys_', 'sntryu_'], `sntry[su]_${body(AND, 20)}`),
  v('databricks_token', ['dapi'], `dapi[a-f0-9]{32}(?![A-Za-z0-9])`),
  v('digitalocean_token', ['dop_v1_', 'doo_v1_', 'dor_v1_'], `do[opr]_v1_${body(AN, 10)}`),
  v('api_key', ['pplx-'], `pplx-${body(AN, 10)}`),
  v('api_key', ['fal_'], `fal_${body(AND, 10)}`),
  v('api_key', ['fc-'], `fc-${body(AN, 10)}`),
  v('api_key', ['bb_live_'], `bb_live_${body(AND, 10)}`),
  v('api_key', ['gAAAA'], `gAAAA[A-Za-z0-9_=-]{20,}`),
  v('api_key', ['r8_'], `r8_${body(AN, 10)}`),
  v('api_key', ['am_'], `am_(?:org_)?${body(AN, 20)}`),
  v('api_key', ['sk_'], `sk_${body(ANU, 10)}`),
  v('api_key', ['tvly-'], `tvly-${body(AN, 10)}`),
  v('api_key', ['exa_'], `exa_${body(AN, 10)}`),
  v('api_key', ['gsk_'], `gsk_${body(AN, 10)}`),
  v('api_key', ['syt_'], `syt_${body(AND, 10)}`),
  v('api_key', ['retaindb_'], `retaindb_${body(AN, 10)}`),
  v('api_key', ['hsk-'], `hsk-${body(AN, 10)}`),
  v('api_key', ['mem0_'], `mem0_${body(AN, 10)}`),
  v('api_key', ['brv_'], `brv_${body(AN, 10)}`),
  v('api_key', ['xai-'], `xai-${body(AN, 30)}`),
  v('api_key', ['ntn_'], `ntn_${body(AN, 10)}`),
  v('api_key', ['fw-', 'fw_', 'fpk_'], `(?:fw[-_]|fpk_)${body(AN, 30)}`),
  v('api_key', ['pk-lf-'], `pk-lf-[A-Za-z0-9-]{8,}`),
  v('api_key', ['figd_'], `figd_${body(AND, 20)}`),
  v('jwt', ['eyJ'], `eyJ${body(AND, 10)}(?:\\.[A-Za-z0-9_=-]{2,}){0,2}`),
  v('slack_webhook', ['hooks.slack.com/services/'], 'hooks\\.slack\\.com/services/[A-Za-z0-9/_-]{20,}'),
  v(
    'discord_webhook',
    ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'],
    'discord(?:app)?\\.com/api/webhooks/\\d{5,}/[A-Za-z0-9_-]{20,}',
  ),
];

/** Kind for a matched vendor token: the longest listed prefix it starts with. */
export function vendorKind(token: string): string {
  let best = '';
  let kind = 'api_key';
  for (const r of VENDOR_RULES) {
    for (const p of r.prefixes) {
      if (p.length > best.length && token.startsWith(p)) {
        best = p;
        kind = r.kind;
      }
    }
  }
  return kind;
}

/** One alternation of every vendor rule, left-bounded so `task-…` never reads as `sk-…`. */
export const VENDOR_SOURCE = `(?<![A-Za-z0-9_-])(?:${VENDOR_RULES.map((r) => r.source).join('|')})`;
