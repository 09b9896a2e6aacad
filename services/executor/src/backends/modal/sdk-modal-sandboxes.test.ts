// Config → SDK calls of the Modal adapter, with a fake of the SDK client (Modal's gRPC cloud is
// not reachable here), and the mapping of SDK/gRPC errors to our statuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, RpcError } from '@hermes/rpc';
import type { ModalSandboxSpec } from './modal-sandboxes.ts';
import {
  MODAL_APP_NAME,
  type ModalSdkClient,
  modalClientParams,
  modalRpcError,
  SdkModalSandboxes,
} from './sdk-modal-sandboxes.ts';

const SECRET = 'as-secret-0123456789';

function fakeSdkClient(opts: { failCreate?: unknown } = {}) {
  const calls: { op: string; args: unknown[] }[] = [];
  const client: ModalSdkClient & { closed: boolean } = {
    closed: false,
    apps: {
      fromName: async (...args: unknown[]) => {
        calls.push({ op: 'apps.fromName', args });
        return { appId: 'ap-1' };
      },
    },
    images: {
      fromRegistry: (...args: unknown[]) => {
        calls.push({ op: 'images.fromRegistry', args });
        return { tag: args[0] };
      },
    },
    sandboxes: {
      create: async (...args: unknown[]) => {
        calls.push({ op: 'sandboxes.create', args });
        if (opts.failCreate) throw opts.failCreate;
        return {
          sandboxId: 'sb-1',
          exec: async (...a: unknown[]) => {
            calls.push({ op: 'sandbox.exec', args: a });
            return {
              stdin: new WritableStream<Uint8Array>(),
              stdout: new ReadableStream<Uint8Array>({ start: (c) => c.close() }),
              stderr: new ReadableStream<Uint8Array>({ start: (c) => c.close() }),
              wait: async () => 0,
            };
          },
          terminate: async () => {
            calls.push({ op: 'sandbox.terminate', args: [] });
          },
          setTags: async (...a: unknown[]) => {
            calls.push({ op: 'sandbox.setTags', args: a });
          },
        };
      },
    },
    close() {
      client.closed = true;
    },
  };
  return { client, calls };
}

const spec: ModalSandboxSpec = {
  image: 'python:3.13-slim',
  cpu: 2,
  memoryMiB: 1024,
  timeoutMs: 3_600_000,
  blockNetwork: true,
  workdir: '/workspace',
  tags: { 'hermes.session': 's1' },
};

test('modal adapter: token pair → client params; spec → app, image and sandbox create params; exec in binary pipe mode', async () => {
  assert.deepEqual(modalClientParams({ tokenId: 'ak-1', tokenSecret: SECRET }), {
    tokenId: 'ak-1',
    tokenSecret: SECRET,
  });
  assert.deepEqual(modalClientParams({ tokenId: 'ak-1', tokenSecret: SECRET, environment: 'dev' }).environment, 'dev');
  const { client, calls } = fakeSdkClient();
  const m = new SdkModalSandboxes({ tokenId: 'ak-1', tokenSecret: SECRET, client });
  const sb = await m.create(spec);
  await m.create(spec);
  assert.equal(sb.id, 'sb-1');
  assert.equal(calls.filter((c) => c.op === 'apps.fromName').length, 1, 'the app is looked up once per worker');
  assert.deepEqual(calls.find((c) => c.op === 'apps.fromName')?.args, [MODAL_APP_NAME, { createIfMissing: true }]);
  assert.deepEqual(calls.find((c) => c.op === 'images.fromRegistry')?.args, ['python:3.13-slim']);
  const create = calls.find((c) => c.op === 'sandboxes.create');
  assert.deepEqual(create?.args[2], {
    cpu: 2,
    memoryMiB: 1024,
    timeoutMs: 3_600_000,
    workdir: '/workspace',
    blockNetwork: true,
    command: ['sleep', 'infinity'],
  });
  assert.deepEqual(calls.find((c) => c.op === 'sandbox.setTags')?.args, [{ 'hermes.session': 's1' }]);
  const p = await sb.exec(['/bin/sh', '-c', 'true'], { workdir: '/' });
  assert.deepEqual(calls.find((c) => c.op === 'sandbox.exec')?.args, [
    ['/bin/sh', '-c', 'true'],
    { mode: 'binary', stdout: 'pipe', stderr: 'pipe', workdir: '/' },
  ]);
  assert.equal(await p.wait(), 0);
  await sb.terminate();
  m.close();
  assert.equal(client.closed, true);
});

test('modal adapter: gRPC statuses and SDK errors map to our statuses; the token secret never appears', async () => {
  const cases: [unknown, Code][] = [
    [{ name: 'ClientError', code: 16, details: `bad token ${SECRET}` }, Code.UNAUTHENTICATED],
    [{ name: 'ClientError', code: 7, details: 'workspace forbidden' }, Code.PERMISSION_DENIED],
    [{ name: 'ClientError', code: 14, details: 'connection refused' }, Code.UNAVAILABLE],
    [{ name: 'ClientError', code: 3, details: 'image not found' }, Code.INVALID_ARGUMENT],
    [{ name: 'ClientError', code: 8, details: 'quota' }, Code.RESOURCE_EXHAUSTED],
    [Object.assign(new Error('no such environment'), { name: 'NotFoundError' }), Code.INVALID_ARGUMENT],
    [Object.assign(new Error('bad image'), { name: 'InvalidError' }), Code.INVALID_ARGUMENT],
    [new TypeError('fetch failed'), Code.UNAVAILABLE],
  ];
  for (const [err, code] of cases) {
    const e = modalRpcError('create sandbox', err, SECRET);
    assert.equal(e.code, code, `${JSON.stringify(err)} → ${e.codeName}`);
    assert.ok(!e.message.includes(SECRET));
    assert.match(e.message, /^modal: create sandbox failed/);
  }
  const { client } = fakeSdkClient({
    failCreate: { name: 'ClientError', code: 16, details: `token ${SECRET} invalid` },
  });
  const m = new SdkModalSandboxes({ tokenId: 'ak-1', tokenSecret: SECRET, client });
  await assert.rejects(
    m.create(spec),
    (e: unknown) => e instanceof RpcError && e.code === Code.UNAUTHENTICATED && e.message.includes('[redacted]'),
  );
});
