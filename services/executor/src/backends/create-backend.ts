// Builds the backend a worker serves from `terminal.*` (the `--backend` flag sets terminal.backend).
import { join } from 'node:path';
import type { HermesConfig, TerminalBackend } from '@hermes/config';
import { BackendConfigError } from '../errors.ts';
import type { ExecutionBackend } from '../ports/execution-backend.ts';
import { findExecutable } from './find-executable.ts';
import { LocalBackend } from './local/local-backend.ts';

export interface BackendContext {
  readonly config: HermesConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: () => number;
  readonly workerId: string;
}

/** `$HERMES_HOME/sandboxes` (reference §6: sandbox dir = `~/.hermes/sandboxes/`). */
export function sandboxRoot(config: HermesConfig): string {
  return join(config.home, 'sandboxes');
}

export async function createBackend(name: TerminalBackend, ctx: BackendContext): Promise<ExecutionBackend> {
  const t = ctx.config.terminal;
  switch (name) {
    case 'local': {
      let bwrapPath: string | undefined;
      if (t.local_sandbox === 'bubblewrap') {
        bwrapPath = await findExecutable('bwrap', ctx.env.PATH);
        if (bwrapPath === undefined) {
          throw new BackendConfigError(
            'local',
            'terminal.local_sandbox',
            'bubblewrap is configured but `bwrap` is not on PATH',
          );
        }
      }
      return new LocalBackend({
        sandboxDir: join(sandboxRoot(ctx.config), 'local'),
        messagingCwd: ctx.config.gateway.messaging_cwd,
        persistent: t.container_persistent,
        sandbox: t.local_sandbox,
        network: t.docker_network,
        hostEnv: ctx.env,
        ...(bwrapPath ? { bwrapPath } : {}),
        clock: ctx.clock,
      });
    }
    default:
      throw new BackendConfigError(name, 'terminal.backend', 'this backend is not available in this build yet');
  }
}
