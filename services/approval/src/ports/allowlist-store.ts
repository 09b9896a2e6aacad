// Port: the permanent allowlist (Postgres schema `approval`, per profile). Config `command_allowlist`
// entries are merged in by the service and are not stored here.

export interface AllowlistRecord {
  readonly profile: string;
  readonly entry: string;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly createdBy: string;
  readonly requestId: string;
}

export interface AllowlistStore {
  /** Entries of a profile, oldest first. */
  list(profile: string, signal?: AbortSignal): Promise<AllowlistRecord[]>;
  /** Adds entries (existing ones are kept as they are); returns how many were new. */
  add(
    profile: string,
    entries: readonly string[],
    by: { readonly createdBy: string; readonly requestId: string; readonly at: number },
  ): Promise<number>;
  /** True when the entry existed and is gone. */
  remove(profile: string, entry: string): Promise<boolean>;
}
