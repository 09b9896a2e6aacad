import { runCheck } from './commands/check.ts';

/** Entry point of the `hermes` command. Returns the process exit code; never calls process.exit itself. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return runCheck(rest, { env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    default:
      process.stderr.write(`hermes: unknown command '${command ?? ''}'. Run 'hermes help' for the list of commands.\n`);
      return 2;
  }
}
