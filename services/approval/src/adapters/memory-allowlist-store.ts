// AllowlistStore in memory: for `hermes approvals test --local` (a throwaway dry run) and unit tests.
// Passes the same contract suite as the Postgres adapter.
import type { AllowlistRecord, AllowlistStore } from '../ports/allowlist-store.ts';

export class MemoryAllowlistStore implements AllowlistStore {
  readonly #rows = new Map<string, AllowlistRecord>();

  async list(profile: string): Promise<AllowlistRecord[]> {
    return [...this.#rows.values()]
      .filter((r) => r.profile === profile)
      .sort((a, b) => a.createdAt - b.createdAt || (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0));
  }

  async add(
    profile: string,
    entries: readonly string[],
    by: { readonly createdBy: string; readonly requestId: string; readonly at: number },
  ): Promise<number> {
    let n = 0;
    for (const entry of new Set(entries)) {
      const k = JSON.stringify([profile, entry]);
      if (this.#rows.has(k)) continue;
      this.#rows.set(k, { profile, entry, createdAt: by.at, createdBy: by.createdBy, requestId: by.requestId });
      n++;
    }
    return n;
  }

  async remove(profile: string, entry: string): Promise<boolean> {
    return this.#rows.delete(JSON.stringify([profile, entry]));
  }
}
