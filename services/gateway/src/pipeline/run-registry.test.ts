import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTtlStore, type TtlStore } from '@hermes/storage';
import { type RunRecord, RunRegistry, RunState } from './run-registry.ts';

/** A real in-memory TTL store whose writes take a while and are recorded in completion order. */
function slowStore(delayMs: number) {
  const inner = new MemoryTtlStore({ sweepIntervalMs: 0 });
  const written: RunRecord[] = [];
  const store = Object.create(inner) as TtlStore;
  store.set = async (key, value, opts) => {
    await new Promise((r) => setTimeout(r, delayMs));
    await inner.set(key, value, opts);
    written.push(JSON.parse(value) as RunRecord);
    return true;
  };
  store.get = (key) => inner.get(key);
  return { store, written, inner };
}

const base: RunRecord = {
  runId: 'r1',
  state: RunState.scanning,
  owner: 'key:1',
  sessionId: 's',
  command: 'true',
  backend: 'local',
  createdAt: 1,
};

test('state changes during a write are coalesced; the stored record ends at the last state, never older', async () => {
  const { store, written } = slowStore(20);
  const errors: unknown[] = [];
  const reg = new RunRegistry(
    async () => store,
    (e) => errors.push(e),
  );
  reg.update(base);
  await new Promise((r) => setTimeout(r, 5)); // the first write is now in flight
  reg.update({ ...base, state: RunState.running });
  reg.update({ ...base, state: RunState.running, executorRunId: 'x' });
  reg.update({ ...base, state: RunState.exited, executorRunId: 'x', exitCode: 0 });
  // While writes are pending the newest record is served locally.
  assert.equal((await reg.get('r1'))?.state, RunState.exited);
  await reg.flush();
  assert.deepEqual(errors, []);
  assert.deepEqual(
    written.map((r) => r.state),
    [RunState.scanning, RunState.exited],
  );
  const stored = await reg.get('r1');
  assert.equal(stored?.state, RunState.exited);
  assert.equal(stored?.executorRunId, 'x');
  assert.equal(stored?.exitCode, 0);
});

test('an update after a run was flushed is written again (a new writer starts)', async () => {
  const { store, written } = slowStore(1);
  const reg = new RunRegistry(
    async () => store,
    () => {},
  );
  reg.update({ ...base, runId: 'r2' });
  await reg.flush();
  reg.update({ ...base, runId: 'r2', state: RunState.denied, deniedReason: 'hardline' });
  await reg.flush();
  assert.deepEqual(
    written.map((r) => r.state),
    [RunState.scanning, RunState.denied],
  );
  assert.equal((await reg.get('r2'))?.deniedReason, 'hardline');
});

test('a failing store is reported, and a finished run does not stay in memory', async () => {
  const errors: unknown[] = [];
  const reg = new RunRegistry(
    async () => {
      throw new Error('no redis');
    },
    (e) => errors.push(e),
  );
  reg.update({ ...base, runId: 'r3', state: RunState.exited });
  await reg.flush();
  assert.equal(errors.length, 1);
  await assert.rejects(reg.get('r3'), /no redis/);
});
