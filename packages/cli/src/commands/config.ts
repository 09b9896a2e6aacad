import { formatConfigError, loadConfig, maskSecrets } from '@hermes/config';
import type { CliIo } from '../cli-io.ts';

export const configHelp = `Usage: hermes config check [--json]

Validates $HERMES_HOME/config.yaml, $HERMES_HOME/.env and the environment, then prints the
effective configuration with every secret masked. Exit 0 valid, 2 invalid.`;

export async function runConfig(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'check' || rest.some((a) => a !== '--json')) {
    io.stderr.write(`${configHelp}\n`);
    return sub === undefined || sub === '--help' ? 0 : 64;
  }
  try {
    const config = loadConfig(io.env);
    for (const w of config.warnings) io.stderr.write(`hermes: warning: ${w}\n`);
    const masked = maskSecrets(config);
    io.stdout.write(rest.includes('--json') ? `${JSON.stringify(masked)}\n` : `${JSON.stringify(masked, null, 2)}\n`);
    if (!rest.includes('--json')) io.stderr.write('configuration is valid\n');
    return 0;
  } catch (err) {
    io.stderr.write(`${formatConfigError(err)}\n`);
    return 2;
  }
}
