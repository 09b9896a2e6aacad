/**
 * NATS subjects (ARCHITECTURE "How they talk"): `hermes.v1.<service>.<Method>`, and for executor
 * workers `hermes.v1.executor.<backend>.<Method>`. Pure functions so the scheme is tested in one place.
 */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export function servicePrefix(service: string, shard?: string): string {
  assertToken(service, 'service');
  if (shard === undefined) return `hermes.v1.${service}`;
  assertToken(shard, 'shard');
  return `hermes.v1.${service}.${shard}`;
}

export function methodSubject(prefix: string, method: string): string {
  assertToken(method, 'method');
  return `${prefix}.${method}`;
}

/** The wildcard a server subscribes to for all methods under a prefix. */
export function serviceWildcard(prefix: string): string {
  return `${prefix}.*`;
}

/** Splits `<prefix>.<Method>`; undefined when the subject is not under the prefix. */
export function methodOf(prefix: string, subject: string): string | undefined {
  if (!subject.startsWith(prefix) || subject.charCodeAt(prefix.length) !== 46 /* . */) return undefined;
  const rest = subject.slice(prefix.length + 1);
  return rest.length > 0 && !rest.includes('.') ? rest : undefined;
}

function assertToken(value: string, what: string): void {
  if (!TOKEN.test(value)) throw new TypeError(`invalid ${what} name for a NATS subject: ${JSON.stringify(value)}`);
}
