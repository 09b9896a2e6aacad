import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InvalidMigrationError } from './errors.ts';
import { checksumOf, loadMigrations, prepareMigrations } from './migrations.ts';

test('migrations are ordered by version with a sha256 checksum', () => {
  const prepared = prepareMigrations([
    { name: '0010_later', sql: 'b' },
    { name: '0002_earlier', sql: 'a' },
  ]);
  assert.deepEqual(
    prepared.map((m) => [m.version, m.name]),
    [
      [2, '0002_earlier'],
      [10, '0010_later'],
    ],
  );
  assert.equal(prepared[0]?.checksum, checksumOf('a'));
  assert.match(prepared[0]?.checksum ?? '', /^[0-9a-f]{64}$/);
});

test('badly named migrations and duplicate versions are refused', () => {
  for (const name of ['1_short', '0001-dash', '0001_Upper', 'init', '0001_', '0001_a.sql']) {
    assert.throws(() => prepareMigrations([{ name, sql: '' }]), InvalidMigrationError, name);
  }
  assert.throws(
    () =>
      prepareMigrations([
        { name: '0001_a', sql: '' },
        { name: '0001_b', sql: '' },
      ]),
    /share version 1/,
  );
});

test('loadMigrations reads NNNN_name.sql files and rejects a misnamed .sql file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hermes-migload-'));
  try {
    await writeFile(join(dir, '0002_two.sql'), 'SELECT 2;');
    await writeFile(join(dir, '0001_one.sql'), 'SELECT 1;');
    await writeFile(join(dir, 'README.md'), 'not a migration');
    const loaded = await loadMigrations(dir);
    assert.deepEqual(
      loaded.map((m) => [m.name, m.sql]),
      [
        ['0001_one', 'SELECT 1;'],
        ['0002_two', 'SELECT 2;'],
      ],
    );
    await writeFile(join(dir, 'fix.sql'), 'SELECT 3;');
    await assert.rejects(loadMigrations(dir), InvalidMigrationError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
