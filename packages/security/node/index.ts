// The only I/O edge of @hermes/security: reads the tree-sitter wasm files shipped in node_modules and
// initialises the pure core's parser.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { initShellParser } from '../src/command/index.ts';

const require = createRequire(import.meta.url);

/** Paths of the two wasm files (web-tree-sitter runtime and the bash grammar). */
export function grammarPaths(): { runtime: string; bash: string } {
  return {
    runtime: require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
    bash: require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'),
  };
}

/** Reads the wasm bytes and initialises the shell parser once; safe to call repeatedly. */
export async function initShellParserFromDisk(): Promise<void> {
  const p = grammarPaths();
  const [runtimeWasm, bashWasm] = await Promise.all([readFile(p.runtime), readFile(p.bash)]);
  await initShellParser({ runtimeWasm, bashWasm });
}
