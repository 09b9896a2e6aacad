// Public door of the command-security core (issue #3). Pure: no I/O; the wasm bytes come from the caller
// (`@hermes/security/node` reads them from disk).
export { analyzeCommand, MAX_COMMAND_LENGTH, type AnalyzeOptions } from './analyze.ts';
export { CommandTooLargeError, ShellParserInitError, ShellParserNotReadyError } from './errors.ts';
export { evaluateCommand, isIsolatedBackend, type EvaluateInput } from './evaluate.ts';
export { initShellParser, isShellParserReady, type ShellGrammar } from './shell-parser.ts';
export {
  ApprovalMode,
  Backend,
  CommandOrigin,
  Decision,
  FindingSource,
  Severity,
  severityRank,
  type CommandAnalysis,
  type Evaluation,
  type Finding,
  type Redirect,
  type SimpleCommand,
} from './types.ts';
