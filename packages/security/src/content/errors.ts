// Errors raised by the content-security core. Pure data: no I/O, no logging.

/** A `${VAR}` in an MCP server's `env` block names a secret the platform does not hold. */
export class McpEnvInterpolationError extends Error {
  override readonly name = 'McpEnvInterpolationError';
  readonly server: string;
  readonly key: string;
  readonly variable: string;
  constructor(server: string, key: string, variable: string, options?: ErrorOptions) {
    super(
      `mcp_servers.${server}.env.${key} references \${${variable}}, which is not a known secret; ` +
        'add it to the platform secrets or remove the reference',
      options,
    );
    this.server = server;
    this.key = key;
    this.variable = variable;
  }
}

/** A CIDR string in a policy (fake_ip_ranges, trusted ranges) could not be parsed. */
export class InvalidCidrError extends Error {
  override readonly name = 'InvalidCidrError';
  readonly cidr: string;
  constructor(cidr: string, options?: ErrorOptions) {
    super(`invalid CIDR range '${cidr}'`, options);
    this.cidr = cidr;
  }
}
