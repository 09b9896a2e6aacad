// Creating, listing and revoking API keys (`hermes apikey …` over the operator plane).
import type { AuditSink } from '@hermes/platform';
import { InvalidApiKeyRequestError } from '../errors.ts';
import { generateApiKey } from './api-key-format.ts';
import type { Authenticator } from './authenticator.ts';
import type { ApiKeyRecord, PgApiKeyStore } from './pg-api-key-store.ts';
import { DEFAULT_RATE_PER_MINUTE, isScope, MAX_RATE_PER_MINUTE, SCOPES, type Scope } from './scopes.ts';

/** A key's name is its authz user id: the same characters authz accepts, no spaces. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,63}$/;
const KEY_ID = /^[0-9a-f]{20}$/;

export class ApiKeyAdmin {
  readonly #store: PgApiKeyStore;
  readonly #auth: Authenticator;
  readonly #audit: AuditSink;
  readonly #clock: () => number;

  constructor(store: PgApiKeyStore, auth: Authenticator, audit: AuditSink, clock: () => number) {
    this.#store = store;
    this.#auth = auth;
    this.#audit = audit;
    this.#clock = clock;
  }

  async create(input: {
    name: string;
    scopes: readonly string[];
    ratePerMinute: number;
    unattended: boolean;
    createdBy: string;
  }): Promise<{ key: ApiKeyRecord; secret: string }> {
    if (!NAME.test(input.name)) {
      throw new InvalidApiKeyRequestError('name', '1-64 characters: letters, digits and _ . @ : + - (no spaces)');
    }
    const scopes = [...new Set(input.scopes.map((s) => s.trim().toLowerCase()).filter((s) => s !== ''))];
    if (scopes.length === 0) throw new InvalidApiKeyRequestError('scopes', `at least one of ${SCOPES.join(', ')}`);
    for (const s of scopes) {
      if (!isScope(s)) throw new InvalidApiKeyRequestError('scopes', `unknown scope (one of ${SCOPES.join(', ')})`);
    }
    const rate = input.ratePerMinute === 0 ? DEFAULT_RATE_PER_MINUTE : input.ratePerMinute;
    if (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE_PER_MINUTE) {
      throw new InvalidApiKeyRequestError('rate_per_minute', `1..${MAX_RATE_PER_MINUTE}`);
    }
    const gen = generateApiKey();
    const key = await this.#store.create({
      id: gen.id,
      name: input.name,
      scopes: scopes as Scope[],
      hash: gen.hash,
      ratePerMinute: rate,
      unattended: input.unattended,
      createdAt: this.#clock(),
      createdBy: input.createdBy,
    });
    this.#audit.emit({
      kind: 'gateway.apikey.create',
      outcome: 'created',
      actor: input.createdBy,
      attributes: { keyId: key.id, name: key.name, scopes: [...key.scopes], unattended: key.unattended },
    });
    return { key, secret: gen.secret };
  }

  list(includeRevoked: boolean): Promise<ApiKeyRecord[]> {
    return this.#store.list(includeRevoked);
  }

  async revoke(id: string, by: string): Promise<boolean> {
    if (!KEY_ID.test(id)) throw new InvalidApiKeyRequestError('id', 'a key id as shown by `hermes apikey list`');
    const revoked = await this.#store.revoke(id, this.#clock());
    this.#auth.forget(id);
    this.#audit.emit({
      kind: 'gateway.apikey.revoke',
      outcome: revoked ? 'revoked' : 'not_found',
      actor: by,
      attributes: { keyId: id },
    });
    return revoked;
  }
}
