import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { ConfigError } from './errors.ts';
import { formatConfigError } from './format-error.ts';
import { loadConfig } from './load-config.ts';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function home(files: { yaml?: string; dotenv?: string; dotenvMode?: number } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-config-'));
  homes.push(dir);
  if (files.yaml !== undefined) writeFileSync(join(dir, 'config.yaml'), files.yaml);
  if (files.dotenv !== undefined) {
    writeFileSync(join(dir, '.env'), files.dotenv);
    chmodSync(join(dir, '.env'), files.dotenvMode ?? 0o600);
  }
  return dir;
}

function loadError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected loadConfig to throw');
}

describe('loadConfig', () => {
  test('no files: seed defaults (approval manual/60 s, docker limits, tirith, private URLs off)', () => {
    const c = loadConfig({}, { home: home() });
    assert.equal(c.approvals.mode, 'manual');
    assert.equal(c.approvals.timeout, 60);
    assert.equal(c.approvals.unattended_mode, 'deny');
    assert.equal(c.terminal.backend, 'local');
    assert.equal(c.terminal.docker_image, 'nikolaik/python-nodejs:python3.11-nodejs20');
    assert.deepEqual(
      [c.terminal.container_cpu, c.terminal.container_memory, c.terminal.container_disk],
      [1, 5120, 51200],
    );
    assert.equal(c.terminal.container_persistent, true);
    assert.deepEqual(
      [c.security.tirith_enabled, c.security.tirith_timeout, c.security.tirith_fail_open],
      [true, 5, true],
    );
    assert.equal(c.security.allow_private_urls, false);
    assert.equal(c.security.website_blocklist.enabled, false);
    assert.equal(c.gateway.allowed_users, undefined);
    assert.equal(c.gateway.allow_all_users, false);
    assert.equal(c.yolo_mode, false);
    assert.deepEqual(c.services.executor.grpc, { host: '127.0.0.1', port: 7405 });
    assert.deepEqual(c.services.audit.metrics, { host: '127.0.0.1', port: 9406 });
    assert.deepEqual(c.files, { config_yaml: null, dotenv: null });
  });

  test('a config file with three mistakes lists all three with key paths, file and line', () => {
    const h = home({
      yaml: [
        'approvals:',
        '  mode: sometimes', // line 2: not manual|smart|off
        '  timeout: -5', // line 3: not positive
        'terminal:',
        '  backend: docker',
        '  container_memory: "lots"', // line 6: not a number
        '',
      ].join('\n'),
    });
    const err = loadError(() => loadConfig({}, { home: h }));
    const file = join(h, 'config.yaml');
    assert.deepEqual(
      err.problems.map((p) => [p.path, p.source]),
      [
        ['approvals.mode', `${file}:2`],
        ['approvals.timeout', `${file}:3`],
        ['terminal.container_memory', `${file}:6`],
      ],
    );
    assert.equal(err.exitCode, 2);
    const text = formatConfigError(err);
    for (const key of ['approvals.mode', 'approvals.timeout', 'terminal.container_memory'])
      assert.match(text, new RegExp(key));
    assert.match(text, /3 problems/);
    assert.doesNotMatch(text, /\n\s+at .*\.ts:\d+/, 'no stack trace');
  });

  test('YAML syntax errors and duplicate keys are problems with a line number', () => {
    const h = home({ yaml: 'security:\n  tirith_enabled: true\n  tirith_enabled: false\n' });
    const err = loadError(() => loadConfig({}, { home: h }));
    assert.equal(err.problems.length, 1);
    assert.match(err.problems[0]!.source, /config\.yaml:3$/);
  });

  test('precedence: defaults < config.yaml < .env < environment, each labelled in errors', () => {
    const h = home({
      yaml: 'runtime:\n  log_level: warn\nsecurity:\n  tirith_timeout: 9\n',
      dotenv: 'LOG_LEVEL=debug\nTIRITH_TIMEOUT=7\nGATEWAY_ALLOWED_USERS=1,2\n',
    });
    const c = loadConfig({ LOG_LEVEL: 'ERROR', GATEWAY_ALLOWED_USERS: ' 42 , 43 ' }, { home: h });
    assert.equal(c.runtime.log_level, 'error');
    assert.equal(c.security.tirith_timeout, 7);
    assert.deepEqual(c.gateway.allowed_users, ['42', '43']);
    assert.equal(c.files.config_yaml, join(h, 'config.yaml'));

    const err = loadError(() => loadConfig({ LOG_LEVEL: 'loud' }, { home: h }));
    assert.deepEqual(
      err.problems.map((p) => [p.path, p.source]),
      [['runtime.log_level', 'env LOG_LEVEL']],
    );
    const err2 = loadError(() => loadConfig({}, { home: home({ dotenv: 'TERMINAL_BACKEND=kvm\n' }) }));
    assert.match(err2.problems[0]!.source, /\.env TERMINAL_BACKEND$/);
  });

  test('env values: booleans strictly parsed, malformed lists and ports listed, empty means unset', () => {
    const err = loadError(() =>
      loadConfig(
        {
          GATEWAY_ALLOW_ALL_USERS: 'ture',
          TELEGRAM_ALLOWED_USERS: '123,,456',
          DISCORD_ALLOWED_USERS: '12 34',
          HERMES_AUTHZ_GRPC_PORT: '70000',
          HERMES_YOLO_MODE: 'on',
          SLACK_ALLOWED_USERS: '   ',
        },
        { home: home() },
      ),
    );
    const byPath = new Map(err.problems.map((p) => [p.path, p]));
    assert.deepEqual([...byPath.keys()].sort(), [
      'GATEWAY_ALLOW_ALL_USERS',
      'HERMES_YOLO_MODE',
      'TELEGRAM_ALLOWED_USERS',
      'gateway.platforms.discord.allowed_users.0',
      'services.authz.grpc.port',
    ]);
    assert.equal(byPath.get('services.authz.grpc.port')!.source, 'env HERMES_AUTHZ_GRPC_PORT');
    assert.equal(byPath.get('gateway.platforms.discord.allowed_users.0')!.source, 'env DISCORD_ALLOWED_USERS');

    const ok = loadConfig({ HERMES_YOLO_MODE: 'YES', DISCORD_ALLOW_ALL_USERS: '0' }, { home: home() });
    assert.equal(ok.yolo_mode, true);
    assert.equal(ok.gateway.platforms.discord.allow_all_users, false);
  });

  test('a malformed value is never echoed in the error (it may be a secret)', () => {
    const err = loadError(() => loadConfig({ TIRITH_FAIL_OPEN: 'hunter2-secret' }, { home: home() }));
    assert.doesNotMatch(formatConfigError(err), /hunter2/);
  });

  test('warnings: .env readable by group/others, unknown keys (top-level and nested), risky flags', () => {
    const h = home({
      yaml: 'model: gpt\napprovals:\n  tiemout: 30\ndisplay:\n  skin: dark\n',
      dotenv: 'GATEWAY_ALLOW_ALL_USERS=true\n',
      dotenvMode: 0o644,
    });
    const c = loadConfig({}, { home: h });
    assert.equal(c.approvals.timeout, 60);
    const w = c.warnings.join('\n');
    assert.match(w, /\.env is readable by group or others/);
    assert.match(w, /unknown key `model` .*config\.yaml:1/);
    assert.match(w, /unknown key `approvals\.tiemout` .*config\.yaml:3/);
    assert.match(w, /unknown key `display`/);
    assert.match(w, /GATEWAY_ALLOW_ALL_USERS is on/);

    const strict = loadConfig({}, { home: home({ dotenv: 'A=1\n', dotenvMode: 0o600 }) });
    assert.deepEqual(strict.warnings, []);
  });

  test('the result is deeply frozen', () => {
    const c = loadConfig({}, { home: home({ yaml: 'command_allowlist: ["ls -la"]\n' }) });
    assert.throws(() => {
      (c.approvals as { mode: string }).mode = 'off';
    }, TypeError);
    assert.throws(() => (c.command_allowlist as string[]).push('rm -rf /'), TypeError);
    assert.throws(() => {
      (c.services.gateway.grpc as { port: number }).port = 1;
    }, TypeError);
  });

  test('seed keys from config.yaml: website blocklist, mcp servers, listen host fallback', () => {
    const lines = [
      'security:',
      '  website_blocklist:',
      '    enabled: true',
      '    domains: ["*.internal.company.com", "admin.example.com"]',
      'mcp_servers:',
      '  github:',
      '    command: npx',
      '    args: ["-y", "@modelcontextprotocol/server-github"]',
      '    env:',
      '      GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_abc"',
      '      PORT: 8080',
      '  broken: {}',
      'runtime:',
      '  listen_host: 0.0.0.0',
      'services:',
      '  gateway:',
      '    grpc: { host: 10.0.0.5 }',
    ];
    const h = home({ yaml: lines.join('\n') });
    const err = loadError(() => loadConfig({}, { home: h }));
    assert.deepEqual(
      err.problems.map((p) => p.path),
      ['mcp_servers.broken'],
    );
    writeFileSync(join(h, 'config.yaml'), lines.filter((l) => !l.includes('broken')).join('\n'));
    const c = loadConfig({ HERMES_GATEWAY_GRPC_PORT: '17400' }, { home: h });
    assert.deepEqual(c.security.website_blocklist.domains, ['*.internal.company.com', 'admin.example.com']);
    assert.equal(c.mcp_servers.github?.env.PORT, '8080');
    assert.deepEqual(c.services.gateway.grpc, { host: '10.0.0.5', port: 17400 });
    assert.deepEqual(c.services.authz.grpc, { host: '0.0.0.0', port: 7401 });
  });

  test('HERMES_HOME from env, ~ fallback from HOME', () => {
    const h = home({ yaml: 'approvals: { mode: smart }\n' });
    assert.equal(loadConfig({ HERMES_HOME: h }).approvals.mode, 'smart');
    assert.equal(loadConfig({ HOME: '/nonexistent-home' }).home, '/nonexistent-home/.hermes');
  });
});
