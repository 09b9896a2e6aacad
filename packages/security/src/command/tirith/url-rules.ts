// URL rules (reference/tirith.md §4 Hostname/Path/Transport). Hosts are taken from the RAW text before any
// URL parser: WHATWG `new URL()` turns hosts into punycode and would hide `non_ascii_hostname`.
import { KNOWN_DOMAINS, POPULAR_REPOS, SHORTENERS, WEB3_RPC } from '../data/known-domains.ts';
import { flagSet, show, tirith } from '../rules/finding.ts';
import type { Finding, SimpleCommand } from '../types.ts';
import { ipv4 } from './command-rules.ts';
import { skeleton } from './confusables.ts';
import { withinDistance } from './levenshtein.ts';

export interface RawUrl {
  readonly raw: string;
  readonly scheme: string;
  readonly userinfo: string;
  readonly host: string;
  readonly port: string;
  readonly path: string;
}

const STOP = new Set([' ', '\t', '\n', '\r', '"', "'", '`', '<', '>', '|', ';', '(', ')', '{', '}', '\\']);
const SCHEME_CH = /[A-Za-z0-9+.-]/;

/** Linear scan for `scheme://authority/path` in raw text (at most 64 URLs). */
export function extractUrls(text: string): RawUrl[] {
  const out: RawUrl[] = [];
  let from = 0;
  while (out.length < 64) {
    const at = text.indexOf('://', from);
    if (at < 0) break;
    let s = at;
    while (s > 0 && SCHEME_CH.test(text[s - 1] as string)) s--;
    const scheme = text.slice(s, at).toLowerCase();
    let e = at + 3;
    // The authority may contain `\` and whitespace look-alikes on purpose (invalid_host_chars), so it only
    // ends at `/ ? #` or a shell separator / quote / ASCII space.
    while (e < text.length && !'/?#'.includes(text[e] as string) && !(STOP.has(text[e] as string) && text[e] !== '\\'))
      e++;
    const authority = text.slice(at + 3, e);
    let p = e;
    while (p < text.length && !STOP.has(text[p] as string)) p++;
    const path = text.slice(e, p);
    from = Math.max(p, at + 3);
    if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) continue;
    const atSign = authority.lastIndexOf('@');
    const userinfo = atSign >= 0 ? authority.slice(0, atSign) : '';
    let hostPort = atSign >= 0 ? authority.slice(atSign + 1) : authority;
    let port = '';
    if (hostPort.startsWith('[')) {
      const close = hostPort.indexOf(']');
      port = close >= 0 && hostPort[close + 1] === ':' ? hostPort.slice(close + 2) : '';
      hostPort = close >= 0 ? hostPort.slice(1, close) : hostPort.slice(1);
    } else {
      const colon = hostPort.lastIndexOf(':');
      if (colon >= 0 && /^[0-9]*$/.test(hostPort.slice(colon + 1))) {
        port = hostPort.slice(colon + 1);
        hostPort = hostPort.slice(0, colon);
      }
    }
    out.push({ raw: text.slice(s, p), scheme, userinfo, host: hostPort, port, path });
  }
  return out;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h.startsWith('127.') || h === '0.0.0.0';
}

function knownBase(host: string): string | null {
  for (const d of KNOWN_DOMAINS) if (host === d || host.endsWith(`.${d}`)) return d;
  return null;
}

/** Last two labels (good enough for the look-alike comparison; known list holds registrable names). */
function registrable(host: string): string {
  const labels = host.split('.');
  return labels.slice(-2).join('.');
}

const SCRIPT_RES: readonly [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Han', /\p{Script=Han}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
];

function scriptCount(label: string): number {
  let n = 0;
  for (const [, re] of SCRIPT_RES) if (re.test(label)) n++;
  return n;
}

export function urlRules(urls: readonly RawUrl[], out: Finding[]): void {
  for (const u of urls) {
    if (u.scheme !== 'http' && u.scheme !== 'https' && u.scheme !== 'ftp' && u.scheme !== 'git' && u.scheme !== 'ssh')
      continue;
    const host = u.host;
    const ev = u.raw.slice(0, 160);
    if (/[^\x00-\x7f]/.test(host)) {
      out.push(
        tirith(
          'non_ascii_hostname',
          'high',
          'Non-ASCII hostname',
          `Host ${host} contains non-ASCII characters (possible homograph)`,
          ev,
          'Type the ASCII hostname',
        ),
      );
    }
    if (/[%\\\s\x00-\x1f\uff0e\u3002\uff61]/.test(host)) {
      out.push(
        tirith(
          'invalid_host_chars',
          'high',
          'Invalid characters in hostname',
          `Host ${host} contains characters no real hostname has`,
          ev,
        ),
      );
    }
    const lower = host.toLowerCase();
    const labels = lower.split('.');
    if (labels.some((l) => l.startsWith('xn--')))
      out.push(
        tirith(
          'punycode_domain',
          'high',
          'Punycode hostname',
          `Host ${host} is punycode and may render as a look-alike`,
          ev,
        ),
      );
    if (labels.some((l) => scriptCount(l) >= 2))
      out.push(
        tirith('mixed_script_in_label', 'high', 'Mixed-script hostname', `A label of ${host} mixes scripts`, ev),
      );
    if (u.userinfo.includes('.'))
      out.push(
        tirith(
          'userinfo_trick',
          'high',
          'Hostname disguised as user info',
          `The text before @ (${u.userinfo}) looks like a host; the real host is ${host}`,
          ev,
        ),
      );
    const v4 = ipv4(lower);
    if ((v4 || lower.includes(':')) && !isLoopback(lower))
      out.push(tirith('raw_ip_url', 'medium', 'Raw IP address URL', `URL uses the IP address ${host}`, ev));
    const known = knownBase(lower);
    if (known && u.port && !['80', '443', '22', '9418'].includes(u.port)) {
      out.push(tirith('non_standard_port', 'medium', 'Known domain on an unusual port', `${host}:${u.port}`, ev));
    }
    if (!known && !v4 && /^[a-z0-9.-]+$/.test(lower)) {
      const reg = registrable(lower);
      for (const d of KNOWN_DOMAINS) {
        if (d.length >= 8 && reg !== d && withinDistance(reg, d, 1) === 1) {
          out.push(tirith('confusable_domain', 'medium', 'Look-alike domain', `${reg} is one edit away from ${d}`, ev));
          break;
        }
      }
    } else if (!known && /[^\x00-\x7f]/.test(lower)) {
      const sk = skeleton(registrable(lower));
      const hit = KNOWN_DOMAINS.find((d) => d === sk);
      if (hit) out.push(tirith('confusable_domain', 'high', 'Look-alike domain', `${host} renders like ${hit}`, ev));
    }
    const tld = labels[labels.length - 1] ?? '';
    // .app/.dev are left out on purpose: HSTS-preloaded TLDs with common legitimate use (Hermes suppresses .app).
    if (tld === 'zip' || tld === 'mov')
      out.push(tirith('lookalike_tld', 'medium', 'File-extension TLD', `.${tld} hosts look like file names`, ev));
    if (SHORTENERS.has(lower))
      out.push(
        tirith('shortened_url', 'medium', 'Shortened URL', 'The real destination is hidden behind a shortener', ev),
      );
    if (WEB3_RPC.test(lower))
      out.push(
        tirith('web3_rpc_endpoint', 'low', 'Web3 RPC endpoint', 'Blockchain RPC URL (often embeds an API key)', ev),
      );
    if (/%25[0-9A-Fa-f]{2}/.test(u.path))
      out.push(
        tirith('double_encoding', 'medium', 'Double percent-encoding', 'Double-encoded path can slip past filters', ev),
      );
    if (/[^\x00-\x7f]/.test(u.path))
      out.push(tirith('non_ascii_path', 'medium', 'Non-ASCII URL path', 'The path contains non-ASCII characters', ev));
    if (lower === 'github.com' || lower === 'www.github.com') {
      const m = /^\/([^/]+)\/([^/?#]+)/.exec(u.path);
      if (m) {
        const owner = (m[1] as string).toLowerCase();
        const repo = (m[2] as string).toLowerCase().replace(/\.git$/, '');
        const full = `${owner}/${repo}`;
        if (!POPULAR_REPOS.includes(full)) {
          const near = POPULAR_REPOS.find((p) => withinDistance(full, p, 1) === 1);
          if (near)
            out.push(
              tirith(
                'git_typosquat',
                'medium',
                'Repository name look-alike',
                `${full} is one edit away from ${near}`,
                ev,
              ),
            );
        }
      }
    }
  }
}

const SINKS = new Set(['curl', 'wget', 'http', 'https', 'xh', 'xhs', 'fetch', 'aria2c']);
const CURL_WITH_ARG = new Set([
  '-u',
  '--user',
  '-U',
  '--proxy-user',
  '-H',
  '--header',
  '-d',
  '--data',
  '--data-raw',
  '--data-binary',
  '--data-urlencode',
  '-o',
  '--output',
  '-x',
  '--proxy',
  '-A',
  '--user-agent',
  '-e',
  '--referer',
  '-b',
  '--cookie',
  '-c',
  '--cookie-jar',
  '-F',
  '--form',
  '-T',
  '--upload-file',
  '-X',
  '--request',
  '-w',
  '--write-out',
  '-m',
  '--max-time',
  '--connect-timeout',
  '-r',
  '--range',
  '-K',
  '--config',
  '-E',
  '--cert',
  '--key',
  '--cacert',
  '--resolve',
  '--connect-to',
  '--retry',
  '-z',
  '-Y',
  '-y',
  '--limit-rate',
  '-C',
  '-O',
  '--output-document',
  '-P',
  '--directory-prefix',
  '--password',
  '--http-user',
  '--http-password',
  '--ftp-user',
  '--ftp-password',
  '--proxy-password',
  '-t',
  '--tries',
  '-T',
  '--timeout',
  '-i',
  '--input-file',
  '--post-data',
  '--post-file',
  '-a',
  '--append-output',
  '--body-file',
]);

/** Operands of a downloader (option values skipped). */
function sinkOperands(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('-')) {
      if (CURL_WITH_ARG.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

const SCHEMELESS = /^(?:[^\s/@:]+(?::[^\s/@]*)?@)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?::[0-9]{1,5})?\//;

export function transportRules(cmd: SimpleCommand, out: Finding[], pipedIntoInterpreter: boolean): void {
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  const ev = show(cmd);
  const sink = SINKS.has(n) || pipedIntoInterpreter || (n === 'tirith' && argv[1] === 'run');
  if (n === 'curl') {
    const { short, long } = flagSet(argv);
    if (short.has('k') || long.has('insecure') || long.has('proxy-insecure'))
      out.push(
        tirith(
          'insecure_tls_flags',
          'high',
          'TLS verification disabled',
          'curl -k accepts any certificate (anyone on the path can swap the download)',
          ev,
          'Drop -k/--insecure',
        ),
      );
  }
  if (n === 'wget' && argv.includes('--no-check-certificate'))
    out.push(
      tirith(
        'insecure_tls_flags',
        'high',
        'TLS verification disabled',
        'wget --no-check-certificate accepts any certificate',
        ev,
        'Drop --no-check-certificate',
      ),
    );
  if (!sink && !(n === 'git' && (argv[1] === 'clone' || argv[1] === 'fetch' || argv[1] === 'pull'))) return;
  const ops = n === 'git' ? argv.slice(2).filter((a) => !a.startsWith('-')) : sinkOperands(argv);
  for (const a of ops) {
    if (a.length > 2048) continue;
    if (/^http:\/\//i.test(a)) {
      const h = a.slice(7).split(/[/:?#]/)[0] ?? '';
      if (!isLoopback(h.replace(/^.*@/, '')) && sink)
        out.push(
          tirith(
            'plain_http_to_sink',
            'high',
            'Plain HTTP download',
            'An http:// download can be altered in transit',
            a,
            'Use https://',
          ),
        );
    } else if (!a.includes('://') && SCHEMELESS.test(a) && !a.startsWith('git@')) {
      out.push(
        tirith(
          'schemeless_to_sink',
          'medium',
          'URL without a scheme',
          'The tool guesses the scheme (often plain http)',
          a,
          'Write https:// explicitly',
        ),
      );
    }
  }
}
