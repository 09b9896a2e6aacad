// Public door of the content-security core (issue #4): context-file scanning, secret redaction,
// URL policy (pure half), website blocklist, MCP env filtering. Pure: no I/O below this folder.
export { type Cidr, cidrContains, cidrOverlaps, parseCidr } from './cidr.ts';
export { CONTEXT_FILE_NAMES, isContextFilePath } from './context-files.ts';
export {
  blockedReplacement,
  CONTEXT_FILE_MAX_CHARS,
  type ContextScanOptions,
  type ContextScanResult,
  SCAN_WINDOW_CHARS,
  scanContextContent,
  scanContextFile,
  truncateContextContent,
} from './context-scan.ts';
export { InvalidCidrError, McpEnvInterpolationError } from './errors.ts';
export { type AddressClass, classifyAddress, classifyIpv4, classifyIpv6, embeddedIpv4 } from './ip-classify.ts';
export { formatIp, type IpAddress, parseIpLiteral, parseIpv4, parseIpv6 } from './ip-literal.ts';
export {
  buildMcpEnv,
  interpolateMcpValue,
  isSafeMcpEnvName,
  MCP_SAFE_ENV_NAMES,
  type McpEnvInput,
  redactMcpError,
} from './mcp-env.ts';
export {
  createRedactor,
  label as redactionLabel,
  MIN_KNOWN_SECRET_LENGTH,
  type RedactionSpan,
  type Redactor,
  type RedactorOptions,
} from './redactor.ts';
export { createStreamRedactor, type StreamRedactor, type StreamRedactorOptions } from './stream-redactor.ts';
export { invisibleFindings, THREAT_PATTERNS, type ThreatPattern } from './threat-patterns.ts';
export {
  addressDenyReason,
  createUrlPolicy,
  DEFAULT_URL_POLICY,
  evaluateResolved,
  evaluateUrl,
  METADATA_HOSTNAMES,
  type ResolvedVerdict,
  rawAuthorityHost,
  type UrlPolicy,
  type UrlPolicyOptions,
  type UrlVerdict,
} from './url-policy.ts';
export {
  checkWebsite,
  createWebsiteBlocklist,
  hostOfUrl,
  type WebsiteBlock,
  type WebsiteBlocklist,
  type WebsiteBlocklistOptions,
  type WebsiteRule,
} from './website-blocklist.ts';
