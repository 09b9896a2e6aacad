// Real Docker engine (started by ensureDocker when none answers) and the test sandbox image.
import { randomBytes } from 'node:crypto';
import { ensureDocker } from '@hermes/testing';
import Docker from 'dockerode';
import { buildSandboxImage } from '../../../test/fixtures/sandbox-image/build-sandbox-image.ts';
import { Label } from '../src/backends/docker/container-spec.ts';
import { DockerBackend, type DockerBackendOptions } from '../src/backends/docker/docker-backend.ts';
import { quietLogger } from './worker-harness.ts';

export async function dockerFixture() {
  const engine = await ensureDocker();
  const image = await buildSandboxImage();
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  /** Unique per test file, so reapers of concurrent test files never see each other's containers. */
  const profile = `test-${randomBytes(4).toString('hex')}`;
  const backends: DockerBackend[] = [];
  const make = async (
    over: Partial<DockerBackendOptions> & { sandboxDir: string; workerId?: string; memoryMb?: number },
  ): Promise<DockerBackend> => {
    const b = await DockerBackend.create({
      docker,
      settings: {
        image,
        cpus: 1,
        memoryMb: over.memoryMb ?? 1024,
        diskMb: 51200,
        network: false,
        runtime: undefined,
        profile,
        workerId: over.workerId ?? `w${randomBytes(4).toString('hex')}`,
        env: [],
      },
      persistent: true,
      warmPool: 0,
      reapIntervalMs: 0,
      logger: quietLogger,
      clock: Date.now,
      ...over,
    });
    backends.push(b);
    return b;
  };
  const containers = async () =>
    docker.listContainers({ all: true, filters: { label: [`${Label.agent}=1`, `${Label.profile}=${profile}`] } });
  return {
    docker,
    image,
    profile,
    make,
    containers,
    async [Symbol.asyncDispose]() {
      await Promise.allSettled(backends.map((b) => b.close()));
      for (const c of await containers())
        await docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => {});
      await engine.stop();
    },
  };
}
