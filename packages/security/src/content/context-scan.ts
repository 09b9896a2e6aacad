// Context-file injection scanning (issue #4 item 1; hermes-behaviour §12). Any finding replaces the
// whole file with the exact BLOCKED line; clean files are loaded, head/tail-truncated when huge.
import { invisibleFindings, THREAT_PATTERNS } from './threat-patterns.ts';

/** Hermes scans at most this many characters from the start (MAX_SCAN_CHARS). */
export const SCAN_WINDOW_CHARS = 65_536;
/** Default load cap per context file (`context_file_max_chars`). */
export const CONTEXT_FILE_MAX_CHARS = 20_000;
const HEAD_RATIO = 0.7;
const TAIL_RATIO = 0.2;

export interface ContextScanOptions {
  /** Load cap in characters; defaults to CONTEXT_FILE_MAX_CHARS. */
  readonly maxChars?: number;
}

export type ContextScanResult =
  | {
      readonly decision: 'clean';
      readonly findings: readonly [];
      readonly content: string;
      readonly truncated: boolean;
    }
  | {
      readonly decision: 'blocked';
      readonly findings: readonly string[];
      /** Exactly `[BLOCKED: <file> contained potential prompt injection (<ids>). Content not loaded.]`. */
      readonly replacement: string;
      /** What goes into the prompt: the replacement line. */
      readonly content: string;
    };

function scanWindow(text: string, findings: Set<string>, order: string[]): void {
  for (const f of invisibleFindings(text)) {
    if (!findings.has(f)) {
      findings.add(f);
      order.push(f);
    }
  }
  const normalised = text.normalize('NFKC').toLowerCase();
  for (const { id, re } of THREAT_PATTERNS) {
    if (!findings.has(id) && re.test(normalised)) {
      findings.add(id);
      order.push(id);
    }
  }
}

/**
 * Finding ids for `content`: invisible code points first (ascending), then pattern ids in table
 * order. A leading BOM is stripped first (a BOM anywhere else is a finding). Cost is capped: files
 * longer than two scan windows are scanned on their first and last 64 Ki characters, which always
 * covers everything the truncated load keeps, so no unscanned text ever reaches the prompt.
 */
export function scanContextContent(content: string): string[] {
  const text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  const findings = new Set<string>();
  const order: string[] = [];
  if (text.length <= 2 * SCAN_WINDOW_CHARS) {
    scanWindow(text, findings, order);
  } else {
    scanWindow(text.slice(0, SCAN_WINDOW_CHARS), findings, order);
    scanWindow(text.slice(-SCAN_WINDOW_CHARS), findings, order);
  }
  const invisible = order.filter((f) => f.startsWith('invisible_unicode_')).sort();
  const rest = THREAT_PATTERNS.map((pt) => pt.id).filter((id) => findings.has(id));
  return [...invisible, ...rest];
}

export function blockedReplacement(filename: string, findings: readonly string[]): string {
  return `[BLOCKED: ${filename} contained potential prompt injection (${findings.join(', ')}). Content not loaded.]`;
}

/** Hermes head/tail truncation: 70 % head, 20 % tail, a marker naming what was kept. */
export function truncateContextContent(filename: string, content: string, maxChars = CONTEXT_FILE_MAX_CHARS): string {
  if (content.length <= maxChars) return content;
  const head = Math.floor(maxChars * HEAD_RATIO);
  const tail = Math.floor(maxChars * TAIL_RATIO);
  const marker = `\n\n[...truncated ${filename}: kept ${head}+${tail} of ${content.length} chars. Use file tools to read the full file.]\n\n`;
  return content.slice(0, head) + marker + content.slice(content.length - tail);
}

/** Scans a context file and returns what may be loaded into the system prompt. */
export function scanContextFile(
  filename: string,
  content: string,
  options: ContextScanOptions = {},
): ContextScanResult {
  const findings = scanContextContent(content);
  if (findings.length > 0) {
    const replacement = blockedReplacement(filename, findings);
    return { decision: 'blocked', findings, replacement, content: replacement };
  }
  const body = content.startsWith('\uFEFF') ? content.slice(1) : content;
  const loaded = truncateContextContent(filename, body, options.maxChars ?? CONTEXT_FILE_MAX_CHARS);
  return { decision: 'clean', findings: [], content: loaded, truncated: loaded !== body };
}
