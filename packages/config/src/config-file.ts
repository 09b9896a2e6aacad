import { readFileSync, statSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { ConfigProblem } from './errors.ts';

const errnoCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;

/** Read a text file; `undefined` when it does not exist, a problem when it exists but cannot be read. */
function readOptional(file: string, problems: ConfigProblem[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    problems.push({ path: '(file)', source: file, message: `cannot read: ${errnoCode(err) ?? 'unknown error'}` });
    return undefined;
  }
}

/** Drop `null` values so an empty YAML section (`approvals:`) means "use the defaults". */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}

export interface YamlSource {
  readonly file: string;
  readonly found: boolean;
  readonly data: Record<string, unknown>;
  /** 1-based line of the deepest existing node on `path`, when known. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** Parse `config.yaml`. Syntax errors, duplicate keys and a non-mapping root are listed problems. */
export function readYamlConfig(file: string, problems: ConfigProblem[]): YamlSource {
  const text = readOptional(file, problems);
  const empty: YamlSource = { file, found: false, data: {}, lineOf: () => undefined };
  if (text === undefined) return empty;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
      problems.push({
        path: '(yaml)',
        source: line === undefined ? file : `${file}:${line}`,
        message: e.message.split('\n')[0] ?? e.code,
      });
    }
    return { ...empty, found: true };
  }
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  if (doc.contents === null) return { file, found: true, data: {}, lineOf };
  if (!isMap(doc.contents)) {
    problems.push({ path: '(root)', source: file, message: 'expected a mapping of keys at the top level' });
    return { ...empty, found: true };
  }
  const data = dropNulls(doc.toJS({ maxAliasCount: 100 })) as Record<string, unknown>;
  return { file, found: true, data, lineOf };
}

export interface DotenvSource {
  readonly file: string;
  readonly found: boolean;
  readonly vars: Record<string, string>;
  /** Seed: "Store API keys in ~/.hermes/.env and set chmod 600 on the file." */
  readonly readableByOthers: boolean;
}

/** Parse `$HERMES_HOME/.env` with dotenv and report whether group/others can read it. */
export function readDotenv(file: string, problems: ConfigProblem[]): DotenvSource {
  const text = readOptional(file, problems);
  if (text === undefined) return { file, found: false, vars: {}, readableByOthers: false };
  let readableByOthers = false;
  try {
    readableByOthers = (statSync(file).mode & 0o077) !== 0;
  } catch {
    // The file was just read; a stat failure here only loses the permission warning.
  }
  return { file, found: true, vars: parseDotenv(text), readableByOthers };
}
