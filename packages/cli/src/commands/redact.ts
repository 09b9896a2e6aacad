// `hermes redact < file`: streams stdin to stdout through the secret redactor (issue #4 item 6).
// `--env-file PATH` (repeatable) adds the values of a .env file as known secrets.
import { readFile } from 'node:fs/promises';
import { createRedactor, createStreamRedactor } from '@hermes/security';
import type { CliIo } from './check.ts';

/** Values of KEY=VALUE lines (quotes stripped, comments and blanks skipped). */
export function envFileValues(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[1]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    if (v !== '') out.push(v);
  }
  return out;
}

export async function runRedact(argv: readonly string[], io: CliIo): Promise<number> {
  const known: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--env-file' && i + 1 < argv.length) {
      const path = argv[++i]!;
      try {
        known.push(...envFileValues(await readFile(path, 'utf8')));
      } catch (e) {
        io.stderr.write(`hermes redact: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}\n`);
        return 2;
      }
    } else {
      io.stderr.write('usage: hermes redact [--env-file PATH]... < input > output\n');
      return a === '-h' || a === '--help' ? 0 : 2;
    }
  }
  const redactor = createRedactor({ knownSecrets: known });
  if (redactor.ignoredKnownSecrets > 0) {
    io.stderr.write(
      `hermes redact: ${redactor.ignoredKnownSecrets} known value(s) ignored (shorter than 6 characters or too common)\n`,
    );
  }
  const stream = createStreamRedactor(redactor);
  io.stdin.setEncoding('utf8'); // the decoder keeps multi-byte characters split across chunks whole
  const write = (s: string) =>
    s === '' || io.stdout.write(s) ? Promise.resolve() : new Promise<void>((r) => io.stdout.once('drain', () => r()));
  for await (const chunk of io.stdin) await write(stream.push(chunk as string));
  await write(stream.flush());
  return 0;
}
