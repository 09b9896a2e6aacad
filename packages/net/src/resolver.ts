// DNS resolution as an injectable port: production uses the system resolver (getaddrinfo, every
// answer), tests inject a function so no query ever leaves the machine.
import { lookup } from 'node:dns/promises';

/** Returns every address `hostname` resolves to (as text). Rejects on failure. */
export type Resolver = (hostname: string, signal?: AbortSignal) => Promise<readonly string[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, order: 'verbatim' });
  return answers.map((a) => a.address);
};
