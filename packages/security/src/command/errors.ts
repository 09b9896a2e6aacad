// Error classes of the command-security core (HOUSE_STYLE rule 5).

/** Input above the 1 MiB cap of issue #3; never analysed, evaluateCommand turns it into a deny. */
export class CommandTooLargeError extends Error {
  override readonly name = 'CommandTooLargeError';
  readonly length: number;
  readonly limit: number;
  constructor(length: number, limit: number) {
    super(`command is ${length} characters; the limit is ${limit} (1 MiB)`);
    this.length = length;
    this.limit = limit;
  }
}

/** analyzeCommand was called before initShellParser resolved. */
export class ShellParserNotReadyError extends Error {
  override readonly name = 'ShellParserNotReadyError';
  constructor() {
    super('shell parser not initialised: await initShellParser(...) once at start-up');
  }
}

/** The tree-sitter runtime or grammar could not be loaded from the given bytes. */
export class ShellParserInitError extends Error {
  override readonly name = 'ShellParserInitError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
