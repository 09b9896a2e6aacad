/** The metrics HTTP server could not start (port in use, bad host, permission). */
export class MetricsServerError extends Error {
  override readonly name = 'MetricsServerError';
  readonly host: string;
  readonly port: number;

  constructor(message: string, host: string, port: number, options?: { cause?: unknown }) {
    super(message, options);
    this.host = host;
    this.port = port;
  }
}
