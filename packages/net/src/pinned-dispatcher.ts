// An undici Agent whose connections go ONLY to addresses vetted for the host being dialled. undici
// hands `connect.lookup` to net/tls.connect, so this replaces the second DNS query a naive client
// would make: DNS rebinding between check and connect has nothing to win. Host header and TLS SNI
// still carry the hostname.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { formatIp, type IpAddress } from '@hermes/security';
import { Agent } from 'undici';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Vetted addresses per hostname, updated before each hop's request. */
export class PinnedAddresses {
  readonly #byHost = new Map<string, readonly IpAddress[]>();
  set(host: string, addresses: readonly IpAddress[]): void {
    this.#byHost.set(host.replace(/^\[|\]$/g, '').toLowerCase(), addresses);
  }
  get(host: string): readonly IpAddress[] | undefined {
    return this.#byHost.get(host.replace(/^\[|\]$/g, '').toLowerCase());
  }
}

export function createPinnedAgent(pins: PinnedAddresses): Agent {
  const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const addrs = pins.get(hostname);
    if (!addrs || addrs.length === 0) {
      const err: NodeJS.ErrnoException = new Error(`no vetted address for '${hostname}'`);
      err.code = 'ENOTFOUND';
      callback(err, []);
      return;
    }
    const list = addrs.map((a) => ({ address: formatIp(a), family: a.family }));
    if (options.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
  return new Agent({ connect: { lookup: lookup as never }, keepAliveTimeout: 1_000 });
}
