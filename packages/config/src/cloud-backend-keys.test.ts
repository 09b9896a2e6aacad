// terminal.vercel_sandbox.api_url (added for the vercel-sandbox backend): optional, must be a URL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from './errors.ts';
import { loadConfig } from './load-config.ts';

test('terminal.vercel_sandbox.api_url: unset by default, a URL when set, anything else refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-config-cloud-'));
  try {
    assert.equal(loadConfig({ HERMES_HOME: dir }).terminal.vercel_sandbox.api_url, undefined);
    writeFileSync(join(dir, 'config.yaml'), 'terminal:\n  vercel_sandbox:\n    api_url: http://127.0.0.1:9/\n');
    assert.equal(loadConfig({ HERMES_HOME: dir }).terminal.vercel_sandbox.api_url, 'http://127.0.0.1:9/');
    writeFileSync(join(dir, 'config.yaml'), 'terminal:\n  vercel_sandbox:\n    api_url: not a url\n');
    assert.throws(
      () => loadConfig({ HERMES_HOME: dir }),
      (e: unknown) => e instanceof ConfigError && /vercel_sandbox\.api_url/.test(String(e.message) + JSON.stringify(e)),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
