// Errors of the guarded fetch. Messages are safe to show to the model: they name the URL's host and
// the rule, never a header or a body.

/** The SSRF policy refused a URL (initial request or a redirect hop). */
export class UrlBlockedError extends Error {
  override readonly name = 'UrlBlockedError';
  readonly url: string;
  readonly reason: string;
  /** 0 for the requested URL, n for the n-th redirect target. */
  readonly hop: number;
  constructor(url: string, reason: string, hop: number, options?: ErrorOptions) {
    super(`Blocked: ${hop > 0 ? `redirect hop ${hop} to ` : ''}${url} refused: ${reason}`, options);
    this.url = url;
    this.reason = reason;
    this.hop = hop;
  }
}

/** The website blocklist refused a URL (any hop, including the final URL after redirects). */
export class WebsiteBlockedError extends Error {
  override readonly name = 'WebsiteBlockedError';
  readonly url: string;
  readonly host: string;
  readonly rule: string;
  readonly source: string;
  readonly hop: number;
  constructor(block: { url: string; host: string; rule: string; source: string; message: string }, hop: number) {
    super(block.message);
    this.url = block.url;
    this.host = block.host;
    this.rule = block.rule;
    this.source = block.source;
    this.hop = hop;
  }
}

/** More redirects than `maxRedirects`. */
export class TooManyRedirectsError extends Error {
  override readonly name = 'TooManyRedirectsError';
  readonly url: string;
  readonly maxRedirects: number;
  constructor(url: string, maxRedirects: number) {
    super(`Too many redirects (more than ${maxRedirects}) starting at ${url}`);
    this.url = url;
    this.maxRedirects = maxRedirects;
  }
}
