// Tirith-style rules over one simple command (reference/tirith.md §4): environment, network destinations,
// supply chain, sudo, containers, credentials on disk, archives. Our own lists and wording.

import { sensitiveTarget } from '../paths.ts';
import { writeTargets } from '../rules/dangerous-fs.ts';
import { flagSet, operands, show, tirith } from '../rules/finding.ts';
import type { Finding, SimpleCommand } from '../types.ts';

// Facts from ld.so(8), dyld(1), bash(1), python(1), node(1), perlrun(1), ruby(1).
const CODE_INJECTION_ENV = new Set([
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'DYLD_INSERT_LIBRARIES',
  'DYLD_LIBRARY_PATH',
  'DYLD_FRAMEWORK_PATH',
]);
const SHELL_INJECTION_ENV = new Set(['BASH_ENV', 'ENV', 'PROMPT_COMMAND', 'PS4', 'ZDOTDIR']);
const INTERPRETER_HIJACK_ENV = new Set([
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'NODE_OPTIONS',
  'NODE_PATH',
  'RUBYLIB',
  'RUBYOPT',
  'PERL5LIB',
  'PERL5OPT',
  'JAVA_TOOL_OPTIONS',
]);
const SENSITIVE_ENV =
  /^(?:AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|OPENAI_API_KEY|ANTHROPIC_API_KEY|GITHUB_TOKEN|GH_TOKEN|GITLAB_TOKEN|NPM_TOKEN|HF_TOKEN|GOOGLE_API_KEY|AZURE_CLIENT_SECRET|SLACK_TOKEN|STRIPE_SECRET_KEY|DATABASE_URL)$/;

export function envRules(cmd: SimpleCommand, out: Finding[]): void {
  const n = cmd.argv[0] ?? '';
  const exported = n === 'export' || ((n === 'declare' || n === 'typeset') && cmd.argv.includes('-x'));
  const viaEnv = cmd.wrappers.some((w) => w[0] === 'env' || w[0] === 'sudo');
  for (const a of cmd.assignments) {
    const ev = `${a.name}=${a.value}`;
    const prefix = !exported && !viaEnv && cmd.argv.length > 0;
    if (CODE_INJECTION_ENV.has(a.name))
      out.push(
        tirith(
          'code_injection_env',
          'critical',
          'Library injection variable',
          `${a.name} makes programs load attacker-chosen code`,
          ev,
        ),
      );
    else if (SHELL_INJECTION_ENV.has(a.name) && (exported || viaEnv || cmd.argv.length === 0))
      out.push(
        tirith(
          'shell_injection_env',
          'critical',
          'Shell start-up hook',
          `${a.name} runs code in every later shell`,
          ev,
        ),
      );
    else if (INTERPRETER_HIJACK_ENV.has(a.name) && (exported || viaEnv))
      out.push(
        tirith(
          'interpreter_hijack_env',
          'high',
          'Interpreter search path hijack',
          `${a.name} changes what an interpreter loads`,
          ev,
        ),
      );
    else if (SENSITIVE_ENV.test(a.name) && (exported || viaEnv) && !prefix)
      out.push(
        tirith(
          'sensitive_env_export',
          'high',
          'Secret exported',
          `${a.name} puts a credential into the environment of every child`,
          `${a.name}=[REDACTED]`,
        ),
      );
  }
}

const NET_TOOLS = new Set([
  'curl',
  'wget',
  'http',
  'https',
  'xh',
  'xhs',
  'fetch',
  'iwr',
  'irm',
  'invoke-webrequest',
  'invoke-restmethod',
  'scp',
  'rsync',
  'aria2c',
  'lynx',
  'links',
  'httpie',
]);

/** Host part of a URL-ish argument (scheme optional, userinfo and port dropped). */
export function hostOf(arg: string): string | null {
  let s = arg;
  const scheme = s.indexOf('://');
  if (scheme >= 0) s = s.slice(scheme + 3);
  else if (!/^[A-Za-z0-9[]/.test(s)) return null;
  const end = s.search(/[/?#\s]/);
  if (end >= 0) s = s.slice(0, end);
  const at = s.lastIndexOf('@');
  if (at >= 0) s = s.slice(at + 1);
  if (s.startsWith('[')) return s.slice(1, s.indexOf(']') > 0 ? s.indexOf(']') : undefined);
  const colon = s.indexOf(':');
  if (colon >= 0) s = s.slice(0, colon);
  return s.toLowerCase();
}

export function ipv4(h: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!m) return null;
  const p = m.slice(1).map(Number);
  return p.every((x) => x <= 255) ? p : null;
}

export function isPrivateV4(p: readonly number[]): boolean {
  const [a, b] = p as [number, number];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

export function isMetadataHost(h: string): boolean {
  return (
    h === '169.254.169.254' ||
    h === '100.100.100.200' ||
    h === 'fd00:ec2::254' ||
    h === 'metadata.google.internal' ||
    h === '169.254.170.2' ||
    h === 'metadata.goog'
  );
}

export function networkRules(cmd: SimpleCommand, out: Finding[]): void {
  const n = cmd.argv[0] ?? '';
  if (!NET_TOOLS.has(n)) return;
  for (const a of cmd.argv.slice(1)) {
    if (a.startsWith('-')) continue;
    const h = hostOf(a);
    if (!h) continue;
    if (isMetadataHost(h))
      out.push(
        tirith(
          'metadata_endpoint',
          'critical',
          'Cloud metadata endpoint',
          'Instance metadata hands out cloud credentials',
          a,
          'Do not query instance metadata from the agent',
        ),
      );
    const v4 = ipv4(h);
    if (v4 && isPrivateV4(v4))
      out.push(
        tirith(
          'private_network_access',
          'high',
          'Private network target',
          'Request to a private (RFC 1918) address',
          a,
        ),
      );
  }
}

const SENSITIVE_UPLOAD =
  /^(?:\/etc\/(?:passwd|shadow|sudoers|ssh\/)|~\/\.ssh\/|\$HOME\/\.ssh\/|~\/\.aws\/|~\/\.kube\/|~\/\.gnupg\/|~\/\.netrc|~\/\.docker\/config|~\/\.git-credentials|\/root\/|~\/\.hermes\/\.env|\.env$)/;
const SECRET_VAR =
  /\$\{?(?:AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|AWS_SESSION_TOKEN|[A-Z_]*(?:TOKEN|SECRET|PASSWORD|API_KEY|APIKEY|PRIVATE_KEY))\b/;

function exfilRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  if ((n === 'scp' || n === 'rsync' || n === 'sftp') && operands(argv).some((o) => /:/.test(o))) {
    const up = operands(argv)
      .slice(0, -1)
      .find((o) => SENSITIVE_UPLOAD.test(o) || /(?:^|\/)\.ssh\/id_[a-z0-9]+$/.test(o));
    if (up)
      out.push(
        tirith(
          'data_exfiltration',
          'high',
          'Sensitive data uploaded',
          'A credential file is copied to a remote host',
          `${n} … ${up}`,
        ),
      );
    return;
  }
  if (n !== 'curl' && n !== 'wget') return;
  const vals: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    const m =
      /^(-d|--data[a-z-]*|-F|--form[a-z-]*|-T|--upload-file|--post-file|--post-data|--body-file)(?:=(.*))?$/.exec(a);
    if (m) vals.push(m[2] ?? argv[++i] ?? '');
    else if (/^-[dFT]./.test(a)) vals.push(a.slice(2));
  }
  for (const v of vals) {
    const file = v.startsWith('@') ? v.slice(1) : v.includes('=@') ? v.slice(v.indexOf('=@') + 2) : v;
    if (SENSITIVE_UPLOAD.test(file) || SECRET_VAR.test(v) || /\$\(\s*cat\s/.test(v)) {
      out.push(
        tirith(
          'data_exfiltration',
          'high',
          'Sensitive data uploaded',
          'A credential file or secret variable is sent to a remote server',
          `${n} … ${v}`,
        ),
      );
      return;
    }
  }
}

const CRED_PATH =
  /(?:^|\/)(?:\.ssh\/id_[a-z0-9]+|\.aws\/credentials|\.kube\/config|\.npmrc|\.netrc|\.pgpass|\.pypirc|\.git-credentials|\.gnupg\/|\.docker\/config\.json|\.config\/gcloud\/)/;
const PERM_ONLY = new Set(['chmod', 'chown', 'chgrp', 'ls', 'stat', 'touch', 'test', '[']);

function fileRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  if (!PERM_ONLY.has(n)) {
    const creds = argv.slice(1).filter((a) => CRED_PATH.test(a));
    if (creds.length >= 2)
      out.push(
        tirith(
          'credential_file_sweep',
          'medium',
          'Several credential files touched',
          'One command reads several credential files',
          creds.join(' '),
        ),
      );
  }
  if (
    [
      'cat',
      'dd',
      'strings',
      'xxd',
      'hexdump',
      'od',
      'head',
      'tail',
      'less',
      'more',
      'grep',
      'cp',
      'python',
      'python3',
      'gdb',
    ].includes(n) &&
    argv.some((a) => /^(?:if=)?\/proc\/(?:self|[0-9]+)\/mem$/.test(a))
  ) {
    out.push(
      tirith(
        'proc_mem_access',
        'high',
        'Process memory read',
        'Reads another process memory (secrets live there)',
        show(cmd),
      ),
    );
  }
  if (['tar', 'bsdtar', 'unzip', '7z', '7za', 'gtar'].includes(n)) {
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i] as string;
      const next = argv[i + 1] ?? '';
      const dest =
        a === '-C' || a === '-d' || a === '--directory'
          ? next
          : a.startsWith('--directory=')
            ? a.slice(12)
            : a.startsWith('-o') && n.startsWith('7z')
              ? a.slice(2)
              : null;
      if (dest !== null && /^(?:\/|~\/?|\$HOME\/?)$/.test(dest))
        out.push(
          tirith(
            'archive_extract',
            'medium',
            'Archive extracted over / or ~',
            'Extracting into / or the home directory can overwrite system or dot files',
            show(cmd),
          ),
        );
    }
  }
  // `> ~/.x` / `>> $HOME/.x` (Tirith dotfile_overwrite).
  for (const r of cmd.redirects) {
    const kind = sensitiveTarget(r.target);
    const homeDot = /^(?:~|\$HOME|\$\{HOME\})\/\.[^/]+$/.test(r.target);
    if (
      r.op.includes('>') &&
      (homeDot ||
        (/^(?:~|\$HOME|\$\{HOME\})\//.test(r.target) &&
          (kind === 'ssh' || kind === 'shell-rc' || kind === 'credential')))
    ) {
      out.push(
        tirith(
          'dotfile_overwrite',
          'high',
          'Dotfile overwritten',
          'Writing into a home dotfile changes shell or tool start-up',
          `${r.op} ${r.target}`,
        ),
      );
    }
  }
}

const TRUSTED_REGISTRIES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'ghcr.io',
  'gcr.io',
  'quay.io',
  'registry.k8s.io',
  'mcr.microsoft.com',
  'public.ecr.aws',
  'registry.gitlab.com',
  'docker.elastic.co',
  'cgr.dev',
  'nvcr.io',
]);

function imageRegistry(ref: string): string | null {
  const slash = ref.indexOf('/');
  if (slash < 0) return null;
  const first = ref.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') return first.toLowerCase();
  return null;
}

function containerRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  if (n !== 'docker' && n !== 'podman' && n !== 'nerdctl') return;
  const ev = show(cmd);
  let i = 1;
  let remoteTcp = false;
  while (i < argv.length && (argv[i] as string).startsWith('-')) {
    const a = argv[i] as string;
    if (/^(?:-H|--host)$/.test(a) && /^(?:tcp|ssh|http)/.test(argv[i + 1] ?? '')) remoteTcp = true;
    if (/^(?:-H|--host=)(?:tcp|ssh|http)/.test(a) || /^--host=(?:tcp|ssh)/.test(a)) remoteTcp = true;
    i += /^(?:-H|--host|--context|-c|--config|-l|--log-level)$/.test(a) ? 2 : 1;
  }
  const sub = argv[i] ?? '';
  const rest = argv.slice(i + 1);
  const privileged = rest.some(
    (a) => a === '--privileged' || a === '--privileged=true' || a === '--cap-add=ALL' || a === '--pid=host',
  );
  const mounts: string[] = [];
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k] as string;
    if (a === '-v' || a === '--volume' || a === '--mount') mounts.push(rest[k + 1] ?? '');
    else if (a.startsWith('--volume=') || a.startsWith('--mount=')) mounts.push(a.slice(a.indexOf('=') + 1));
    else if (/^-v./.test(a)) mounts.push(a.slice(2));
  }
  const rootMount = mounts.some((m) => /^\/(?::|$)/.test(m) || /source=\/(?:,|$)/.test(m));
  if (sub === 'run' || sub === 'create') {
    if (remoteTcp && (privileged || rootMount))
      out.push(
        tirith(
          'docker_remote_priv_esc',
          'critical',
          'Privileged container on a remote daemon',
          'Host takeover of the remote Docker host',
          ev,
        ),
      );
    if (privileged)
      out.push(
        tirith(
          'docker_run_privileged',
          'high',
          'Privileged container',
          'A privileged container controls the host',
          ev,
          'Drop --privileged; add only the capability needed',
        ),
      );
    const sensitive = mounts.some((m) =>
      /(?:docker|podman)\.sock|^\/etc(?:\/|:)|^(?:~|\$HOME)\/\.(?:ssh|aws|kube|gnupg|docker)|^\/root\/\.ssh/.test(m),
    );
    if (sensitive || rootMount)
      out.push(
        tirith(
          'docker_run_sensitive_bind_mount',
          'high',
          'Sensitive host path mounted',
          'The container gets the Docker socket, /etc or credentials',
          ev,
        ),
      );
  }
  if (['run', 'create', 'pull', 'build', 'push'].includes(sub)) {
    const t =
      sub === 'build'
        ? rest.flatMap((a, k) =>
            a === '-t' || a === '--tag' ? [rest[k + 1] ?? ''] : a.startsWith('--tag=') ? [a.slice(6)] : [],
          )
        : [
            rest.find(
              (a, k) =>
                !a.startsWith('-') &&
                ![
                  '-e',
                  '-v',
                  '-p',
                  '--name',
                  '-w',
                  '--network',
                  '--env',
                  '--volume',
                  '-u',
                  '--user',
                  '--entrypoint',
                  '-h',
                  '--hostname',
                  '--platform',
                  '-m',
                  '--memory',
                  '--mount',
                  '-l',
                  '--label',
                ].includes(rest[k - 1] ?? ''),
            ) ?? '',
          ];
    for (const ref of t) {
      const reg = imageRegistry(ref);
      if (
        reg &&
        !TRUSTED_REGISTRIES.has(reg) &&
        reg !== 'localhost' &&
        !reg.startsWith('localhost:') &&
        !reg.startsWith('127.0.0.1')
      ) {
        out.push(
          tirith(
            'docker_untrusted_registry',
            'medium',
            'Image from an unknown registry',
            `Image ${ref} is pulled from ${reg}`,
            ref,
          ),
        );
      }
    }
  }
}

function supplyChainRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  const ev = show(cmd);
  const joined = argv.join(' ');
  if (/^pip[0-9.]*$/.test(n) || (n === 'uv' && argv[1] === 'pip') || (/^python[0-9.]*$/.test(n) && argv[2] === 'pip')) {
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i] as string;
      const v = /^(?:--index-url|--extra-index-url|-i)$/.test(a)
        ? (argv[i + 1] ?? '')
        : /^--(?:extra-)?index-url=/.test(a)
          ? a.slice(a.indexOf('=') + 1)
          : null;
      if (v !== null) {
        const h = hostOf(v) ?? '';
        if (
          h !== 'pypi.org' &&
          h !== 'pypi.python.org' &&
          h !== 'files.pythonhosted.org' &&
          h !== 'test.pypi.org' &&
          h !== 'localhost' &&
          h !== '127.0.0.1'
        ) {
          out.push(tirith('pip_url_install', 'medium', 'Package index outside PyPI', `pip installs from ${h}`, v));
        }
      }
    }
  }
  if (['npm', 'pnpm', 'yarn', 'bun'].includes(n) && ['install', 'i', 'add'].includes(argv[1] ?? '')) {
    for (const a of argv.slice(2)) {
      if (/^https?:\/\//.test(a) && hostOf(a) !== 'registry.npmjs.org')
        out.push(
          tirith(
            'npm_url_install',
            'medium',
            'Package tarball from a URL',
            'npm installs a tarball outside the registry',
            a,
          ),
        );
    }
  }
  if (
    (n === 'apt' || n === 'apt-get' || n === 'aptitude') &&
    argv.some(
      (a) =>
        a === '--allow-unauthenticated' ||
        a === '--allow-insecure-repositories' ||
        a === '--allow-releaseinfo-change' ||
        a === '--force-yes',
    )
  ) {
    out.push(
      tirith('unsigned_repo_trust', 'high', 'Unsigned packages trusted', 'Package signatures are not checked', ev),
    );
  }
  if (/\[\s*trusted=yes\s*\]/.test(joined))
    out.push(
      tirith(
        'unsigned_repo_trust',
        'high',
        'Unsigned repository trusted',
        '[trusted=yes] disables signature checks',
        ev,
      ),
    );
  if (
    /--nogpgcheck|\bgpgcheck\s*=\s*0\b|SigLevel\s*=\s*Never|--no-gpg-checks|--insecure-skip-tls-verify/.test(joined) ||
    (cmd.stdinText && /\bgpgcheck\s*=\s*0\b|SigLevel\s*=\s*Never/.test(cmd.stdinText))
  ) {
    out.push(
      tirith(
        'gpg_check_disabled',
        'high',
        'Signature checks disabled',
        'Packages are installed without signature verification',
        ev,
      ),
    );
  }
  if (n === 'kubectl' && ['apply', 'create', 'replace'].includes(argv[1] ?? '')) {
    for (let i = 2; i < argv.length; i++) {
      const a = argv[i] as string;
      const v =
        a === '-f' || a === '--filename'
          ? (argv[i + 1] ?? '')
          : a.startsWith('--filename=')
            ? a.slice(11)
            : a.startsWith('-f') && a.length > 2
              ? a.slice(2)
              : null;
      if (v && /^https?:\/\//.test(v))
        out.push(
          tirith(
            'kubectl_apply_remote',
            'medium',
            'Manifest applied from a URL',
            'kubectl applies a remote manifest',
            v,
          ),
        );
    }
  }
  if (
    n === 'helm' &&
    ['install', 'upgrade', 'template'].includes(argv[1] ?? '') &&
    argv.some((a) => a === '--repo' || a.startsWith('--repo='))
  ) {
    out.push(
      tirith(
        'helm_untrusted_repo',
        'medium',
        'Chart from an ad-hoc repository',
        'helm installs a chart from a repository given on the command line',
        ev,
      ),
    );
  }
  if (n === 'brew' && ['install', 'reinstall'].includes(argv[1] ?? '') && argv.some((a) => /^https?:\/\//.test(a))) {
    out.push(
      tirith('brew_untrusted_tap', 'high', 'Formula from a URL', 'brew installs a formula from an arbitrary URL', ev),
    );
  }
  if (n === 'terraform' && argv[1] === 'apply' && argv.some((a) => a === '-auto-approve' || a === '--auto-approve')) {
    out.push(
      tirith(
        'iac_apply_auto_approve',
        'medium',
        'Infrastructure change without review',
        'terraform apply -auto-approve skips the plan review',
        ev,
      ),
    );
  }
}

const SYSTEM_BIN = /^\/(?:usr\/(?:local\/)?)?s?bin\//;
const BROAD = /^\/(?:|home|etc|usr|var|opt|srv|root|bin|sbin|lib|boot)\/?$/;

function sudoRules(cmd: SimpleCommand, out: Finding[]): void {
  if (!cmd.wrappers.some((w) => w[0] === 'sudo' || w[0] === 'doas')) return;
  const argv = cmd.argv;
  const n = argv[0] ?? '';
  const ev = `sudo ${show(cmd)}`;
  if (n === 'tee' && operands(argv).some((t) => /^(?:\/private)?\/etc\//.test(t))) {
    if (
      operands(argv).some((t) => t.startsWith('/etc/apt/sources.list') || t.startsWith('/etc/yum.repos.d/')) &&
      cmd.pipedFrom.some((c) => ['curl', 'wget'].includes(c.argv[0] ?? ''))
    ) {
      out.push(
        tirith(
          'repo_add_from_pipe',
          'high',
          'Package source from a download',
          'A downloaded file becomes a package source',
          ev,
        ),
      );
    }
    out.push(tirith('sudo_tee_system_file', 'high', 'System file written as root', 'sudo tee writes under /etc', ev));
  }
  if (
    (n === 'curl' || n === 'wget') &&
    argv.some(
      (a, i) =>
        (a === '-o' || a === '-O' || a === '--output' || a === '--output-document') &&
        SYSTEM_BIN.test(argv[i + 1] ?? ''),
    )
  ) {
    out.push(
      tirith(
        'sudo_download_install',
        'high',
        'Download installed as root',
        'A downloaded binary is written into a system bin directory',
        ev,
      ),
    );
  }
  if (
    (n === 'chmod' || n === 'chown') &&
    (flagSet(argv).short.has('R') || flagSet(argv).long.has('recursive')) &&
    operands(argv).some((o) => BROAD.test(o))
  ) {
    out.push(
      tirith(
        'sudo_recursive_perms_broad_path',
        'high',
        'Recursive permission change on a system tree',
        'Recursive chmod/chown as root on a broad path',
        ev,
      ),
    );
  }
}

export function repoAddRules(cmd: SimpleCommand, out: Finding[]): void {
  if (!['curl', 'wget'].includes(cmd.argv[0] ?? '')) return;
  for (const t of writeTargets(cmd)) {
    if (t.startsWith('/etc/apt/sources.list') || t.startsWith('/etc/yum.repos.d/'))
      out.push(
        tirith(
          'repo_add_from_pipe',
          'high',
          'Package source from a download',
          'A downloaded file becomes a package source',
          t,
        ),
      );
  }
}

export function commandShapeRules(cmd: SimpleCommand, out: Finding[]): void {
  envRules(cmd, out);
  networkRules(cmd, out);
  exfilRules(cmd, out);
  fileRules(cmd, out);
  containerRules(cmd, out);
  supplyChainRules(cmd, out);
  sudoRules(cmd, out);
  repoAddRules(cmd, out);
}
