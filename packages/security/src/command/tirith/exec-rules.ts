// Remote/obfuscated execution (seed: `curl|sh`, `bash <(curl …)`; Tirith command-shape rules,
// reference/tirith.md §4): pipe into an interpreter, decode-and-execute, inline code, reverse shells.
import { SHELLS } from '../collect.ts';
import { findInlineCode, inlineTraits, isInertCode } from '../inline-code.ts';
import { flagSet, pattern, show, tirith } from '../rules/finding.ts';
import type { Finding, SimpleCommand } from '../types.ts';

const INTERPRETERS = new Set([
  ...SHELLS,
  'python',
  'python2',
  'python3',
  'node',
  'nodejs',
  'deno',
  'bun',
  'perl',
  'ruby',
  'php',
  'lua',
  'tclsh',
  'elixir',
  'rscript',
  'pwsh',
  'powershell',
  'iex',
  'invoke-expression',
  'cmd',
  'osascript',
  'jshell',
  'irb',
  'wish',
  'expect',
  'at',
  'batch',
  'ssh',
]);
const DOWNLOADERS: Record<string, string> = {
  curl: 'curl_pipe_shell',
  wget: 'wget_pipe_shell',
  http: 'httpie_pipe_shell',
  https: 'httpie_pipe_shell',
  xh: 'xh_pipe_shell',
  xhs: 'xh_pipe_shell',
};
const DECODERS = new Set([
  'base64',
  'base32',
  'base16',
  'basenc',
  'xxd',
  'openssl',
  'uudecode',
  'gzip',
  'gunzip',
  'zcat',
  'rev',
  'tr',
]);

function interpreterName(n: string): boolean {
  return INTERPRETERS.has(n) || /^python[0-9.]+$/.test(n) || /^(?:perl|ruby|php|lua)[0-9.]+$/.test(n);
}

/** True when the interpreter takes its program from stdin (no script operand, no -c/-e). */
export function readsProgramFromStdin(cmd: SimpleCommand): boolean {
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  if (!interpreterName(n)) return false;
  if (n === 'ssh') {
    // `… | ssh host` feeds a remote login shell; a remote command argument reads stdin as data.
    let i = 1;
    while (i < argv.length && (argv[i] as string).startsWith('-'))
      i += /^-[46AaCfGgKkMNnqsTtVvXxYy]*[BbcDEeFIiJLlmOoPpQRSWw]$/.test(argv[i] as string) ? 2 : 1;
    return argv.length === i + 1;
  }
  if (findInlineCode(argv)) return false;
  if (n === 'cmd') return argv.some((a) => /^\/[ck]$/i.test(a)) && argv.length <= 2;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-' || a === '-s') return true;
    if (a === '--') return i === argv.length - 1;
    if (a.startsWith('-') || a.startsWith('+')) {
      if (SHELLS.has(n) && (a === '-o' || a === '+o')) i++;
      if (/^python/.test(n) && (a === '-m' || a === '-W' || a === '-X')) return false;
      continue;
    }
    return false; // a script file or module operand
  }
  return true;
}

function upstreamNames(cmd: SimpleCommand): string[] {
  return cmd.pipedFrom.map((c) => c.argv[0] ?? '');
}

export function execRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  const ev = show(cmd);
  // Pipe into an interpreter.
  if (cmd.pipedFrom.length > 0 && readsProgramFromStdin(cmd) && n !== 'vet') {
    const ups = upstreamNames(cmd);
    const dl = ups.map((u) => DOWNLOADERS[u]).find(Boolean);
    const srcText = cmd.pipedFrom.map((c) => c.argv.join(' ')).join(' | ');
    // The generic id always fires (Tirith names `(curl …) | bash` pipe_to_interpreter); a downloader
    // source adds its specific id.
    out.push(
      tirith(
        'pipe_to_interpreter',
        'high',
        'Text piped into an interpreter',
        `${srcText} | ${n}: the piped text runs as a program`,
        `${srcText} | ${n}`,
        'Run a reviewed script file instead',
      ),
    );
    if (dl) {
      out.push(
        tirith(
          dl,
          'high',
          'Remote content piped into an interpreter',
          `${srcText} | ${n}: runs whatever the server sends`,
          `${srcText} | ${n}`,
          'Download to a file, read it, then run it',
        ),
      );
      out.push(
        pattern(
          'pipe_remote_to_shell',
          'pipe remote content to shell',
          'high',
          `${srcText} | ${n}`,
          'Download, inspect, then run',
        ),
      );
    }
    if (
      ups.some((u) => DECODERS.has(u)) ||
      cmd.pipedFrom.some((c) =>
        c.argv.some((a) => /^-[a-zA-Z]*[dDr]$|^--decode$|^-revert$/.test(a) && DECODERS.has(c.argv[0] ?? '')),
      )
    ) {
      out.push(
        tirith(
          'base64_decode_execute',
          'high',
          'Decoded text executed',
          'Decoded or transformed text is piped into an interpreter',
          srcText,
        ),
      );
    }
  }
  // `bash <(curl …)`, `source <(…)`: the program is produced at run time.
  if ((interpreterName(n) || n === 'source' || n === '.') && argv.slice(1).some((a) => /^<\(/.test(a))) {
    const remote = argv.some((a) => /^<\(\s*(?:curl|wget|http|https|xh|fetch)\b/.test(a));
    out.push(
      pattern(
        remote ? 'remote_process_substitution' : 'process_substitution_exec',
        remote ? 'remote script via process substitution' : 'script from process substitution',
        'high',
        ev,
        'Download, inspect, then run',
      ),
    );
  }
  if (
    (n === 'eval' || n === 'source' || n === '.') &&
    argv.slice(1).some((a) => /\$\(\s*(?:curl|wget)|`\s*(?:curl|wget)/.test(a))
  ) {
    out.push(pattern('eval_remote', 'eval/source of downloaded text', 'high', ev));
  }
  // PowerShell -EncodedCommand is base64 code (Tirith base64_decode_execute).
  if (
    (n === 'powershell' || n === 'pwsh') &&
    argv.some((a) => /^-(?:e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedcommand)$/i.test(a))
  ) {
    out.push(
      tirith('base64_decode_execute', 'high', 'Encoded PowerShell', 'PowerShell runs a base64-encoded command', ev),
    );
  }
  if (
    (n === 'powershell' || n === 'pwsh') &&
    argv.some(
      (a) =>
        /^-(?:ep|ex|exe|exec|execu|execut|executi|executio|execution|executionp|executionpo|executionpol|executionpoli|executionpolic|executionpolicy)(?:[:=]bypass)?$/i.test(
          a.split(/[:=]/)[0] ?? '',
        ) && /bypass/i.test(argv.join(' ')),
    )
  ) {
    out.push(
      tirith(
        'ps_set_execution_policy_bypass',
        'high',
        'Execution policy bypass',
        'PowerShell started with its execution policy bypassed',
        ev,
      ),
    );
  }
  if (n === 'set-executionpolicy' && argv.some((a) => /^(?:bypass|unrestricted)$/i.test(a))) {
    out.push(
      tirith('ps_set_execution_policy_bypass', 'high', 'Execution policy bypass', 'Execution policy lowered', ev),
    );
  }
  if (n === 'add-mppreference' && argv.some((a) => /^-exclusion(?:pa|pr|ex|ip)/i.test(a))) {
    out.push(tirith('ps_defender_exclusion', 'high', 'Defender exclusion', 'Adds a Microsoft Defender exclusion', ev));
  }
  // Inline interpreter code.
  const inline = findInlineCode(argv);
  if (inline) {
    const traits = inlineTraits(inline.code);
    if (traits.decodeExec)
      out.push(
        tirith(
          'base64_decode_execute',
          'high',
          'Decoded code executed',
          'Inline code decodes data and executes it',
          inline.code,
        ),
      );
    else if (traits.spawns || traits.deletes || traits.network) {
      out.push(
        tirith(
          'interpreter_suspicious_inline_exec',
          'high',
          'Inline code runs commands',
          'Inline interpreter code spawns processes, deletes files or talks to the network',
          inline.code,
        ),
      );
    }
    if (!isInertCode(inline.lang, inline.code)) {
      out.push(
        pattern(
          'inline_script',
          'script execution via -e/-c flag',
          'medium',
          ev,
          'Write the script to a file the user can read',
        ),
      );
    }
  }
  // Interpreter fed a heredoc/here-string program.
  if (cmd.stdinText !== undefined && readsProgramFromStdin(cmd) && !SHELLS.has(n) && n !== 'ssh') {
    out.push(
      pattern(
        'heredoc_script',
        'script execution via heredoc',
        'medium',
        ev,
        'Write the script to a file the user can read',
      ),
    );
    const t = inlineTraits(cmd.stdinText);
    if (t.spawns || t.deletes)
      out.push(
        tirith(
          'interpreter_suspicious_inline_exec',
          'high',
          'Inline code runs commands',
          'Heredoc program spawns processes or deletes files',
          cmd.stdinText,
        ),
      );
  }
  // Reverse shells.
  const revRedirect = cmd.redirects.some((r) => /^\/dev\/(?:tcp|udp)\//.test(r.target));
  const revArg = argv.some((a) => a.includes('/dev/tcp/') || a.includes('/dev/udp/'));
  const ncExec =
    (n === 'nc' || n === 'ncat' || n === 'netcat') &&
    (flagSet(argv).short.has('e') ||
      flagSet(argv).short.has('c') ||
      argv.some((a) => a.startsWith('--exec') || a.startsWith('--sh-exec') || a.startsWith('--lua-exec')));
  const socat = n === 'socat' && argv.some((a) => /(?:^|[,!])(?:EXEC|SYSTEM):/i.test(a));
  if (revRedirect || revArg || ncExec || socat) {
    out.push(
      tirith(
        'reverse_shell',
        'high',
        'Reverse shell',
        'Connects a shell to a network socket',
        ev,
        'Do not expose a shell over the network',
      ),
    );
  }
}
