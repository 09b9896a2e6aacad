// Public door of the command-security core (issue #3). Pure: no I/O; the wasm bytes come from the caller
// (`@hermes/security/node` reads them from disk).
export { type AnalyzeOptions, analyzeCommand, MAX_COMMAND_LENGTH } from './analyze.ts';
export { CommandTooLargeError, ShellParserInitError, ShellParserNotReadyError } from './errors.ts';
export { type EvaluateInput, evaluateCommand, isIsolatedBackend } from './evaluate.ts';
export { initShellParser, isShellParserReady, type ShellGrammar } from './shell-parser.ts';
export {
  ApprovalMode,
  Backend,
  type CommandAnalysis,
  CommandOrigin,
  Decision,
  type Evaluation,
  type Finding,
  FindingSource,
  type Redirect,
  Severity,
  type SimpleCommand,
  severityRank,
} from './types.ts';
