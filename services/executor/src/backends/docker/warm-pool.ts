// Warm pool (issue #7 item 4): containers created and started ahead of time, per image, so the first
// command of a new session is one `exec` instead of create + start. Filled one container at a time
// in the background (a 2-core host must not spend its CPU on the pool while it runs commands).

export interface WarmEntry {
  readonly id: string;
  readonly name: string;
  /** Persistent mode: the slot's host directory (renamed to the task's directory on claim). */
  readonly slotDir: string | undefined;
}

export class WarmPool {
  readonly #target: number;
  readonly #create: () => Promise<WarmEntry>;
  readonly #onError: (err: unknown) => void;
  readonly #ready: WarmEntry[] = [];
  #filling: Promise<void> | undefined;
  #closed = false;
  #failures = 0;

  constructor(target: number, create: () => Promise<WarmEntry>, onError: (err: unknown) => void) {
    this.#target = target;
    this.#create = create;
    this.#onError = onError;
  }

  get size(): number {
    return this.#ready.length;
  }

  /** Takes a ready container (undefined when empty) and starts refilling. */
  take(accept: (e: WarmEntry) => boolean = () => true): WarmEntry | undefined {
    const i = this.#ready.findIndex(accept);
    const e = i >= 0 ? this.#ready.splice(i, 1)[0] : undefined;
    void this.fill();
    return e;
  }

  /** Tops the pool up to its target; resolves when done (or when creation keeps failing). */
  fill(): Promise<void> {
    if (this.#closed || this.#target <= 0) return Promise.resolve();
    this.#filling ??= (async () => {
      try {
        while (!this.#closed && this.#ready.length < this.#target && this.#failures < 3) {
          try {
            const e = await this.#create();
            if (this.#closed) {
              this.#ready.push(e); // handed to drain() by close()
              break;
            }
            this.#ready.push(e);
            this.#failures = 0;
          } catch (err) {
            this.#failures++;
            this.#onError(err);
          }
        }
      } finally {
        this.#filling = undefined;
        if (this.#failures >= 3)
          setTimeout(() => {
            this.#failures = 0;
          }, 30_000).unref();
      }
    })();
    return this.#filling;
  }

  /** Stops filling and hands back every ready container (the caller removes them). */
  async drain(): Promise<WarmEntry[]> {
    this.#closed = true;
    await this.#filling?.catch(() => {});
    return this.#ready.splice(0, this.#ready.length);
  }
}
