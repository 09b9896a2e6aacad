// Turns a command's stdout and stderr into bounded, redacted chunks (issue #7 item 1: "streams
// stdout/stderr chunks back as they come (bounded, with back-pressure)"; output is redacted (#4)
// before it leaves the worker, with a streaming redactor so a secret split across reads is caught).
//
// Bounds: at most `highWaterBytes` wait in memory; above that the sources are paused, so a slow
// caller slows the process (pipe back-pressure) instead of growing the worker's heap. Per stream, at
// most `maxBytesPerStream` are delivered; the rest is read and dropped (the process must not block on
// a full pipe) and the stream is flagged truncated.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createStreamRedactor, type Redactor } from '@hermes/security';

export type StreamName = 'stdout' | 'stderr';

export interface OutputChunk {
  readonly stream: StreamName;
  readonly data: Buffer;
}

export interface OutputPumpOptions {
  readonly redactor: Redactor;
  readonly maxBytesPerStream: number;
  /** Largest chunk handed out (a NATS message stays small). Default 32 KiB. */
  readonly maxChunkBytes?: number;
  /** Bytes queued before the sources are paused. Default 256 KiB. */
  readonly highWaterBytes?: number;
}

interface Source {
  readonly name: StreamName;
  readonly readable: Readable;
  readonly decoder: StringDecoder;
  readonly redact: ReturnType<typeof createStreamRedactor>;
  delivered: number;
  truncated: boolean;
  ended: boolean;
}

export class OutputPump {
  readonly #sources: Source[];
  readonly #queue: OutputChunk[] = [];
  #queued = 0;
  #paused = false;
  #wake: (() => void) | undefined;
  readonly #max: number;
  readonly #chunk: number;
  readonly #high: number;

  constructor(streams: Readonly<Record<StreamName, Readable>>, options: OutputPumpOptions) {
    this.#max = options.maxBytesPerStream;
    this.#chunk = options.maxChunkBytes ?? 32 * 1024;
    this.#high = options.highWaterBytes ?? 256 * 1024;
    this.#sources = (['stdout', 'stderr'] as const).map((name) => ({
      name,
      readable: streams[name],
      decoder: new StringDecoder('utf8'),
      redact: createStreamRedactor(options.redactor),
      delivered: 0,
      truncated: false,
      ended: false,
    }));
    for (const s of this.#sources) {
      s.readable.on('data', (d: Buffer | string) => this.#onData(s, typeof d === 'string' ? Buffer.from(d) : d));
      const finish = () => this.#onEnd(s);
      s.readable.once('end', finish);
      s.readable.once('close', finish);
      s.readable.once('error', finish);
    }
  }

  truncated(stream: StreamName): boolean {
    return this.#sources.find((s) => s.name === stream)?.truncated ?? false;
  }

  /** True once both streams ended and every chunk was taken. */
  get done(): boolean {
    return this.#queue.length === 0 && this.#sources.every((s) => s.ended);
  }

  /** The next chunk (adjacent chunks of one stream merged up to the chunk size); undefined at the end. */
  async next(): Promise<OutputChunk | undefined> {
    while (this.#queue.length === 0) {
      if (this.#sources.every((s) => s.ended)) return undefined;
      await new Promise<void>((r) => {
        this.#wake = r;
      });
    }
    let first = this.#queue.shift() as OutputChunk;
    if (first.data.length < this.#chunk && this.#queue[0]?.stream === first.stream) {
      const parts = [first.data];
      let n = first.data.length;
      while (this.#queue[0]?.stream === first.stream && n + (this.#queue[0]?.data.length ?? 0) <= this.#chunk) {
        const c = this.#queue.shift() as OutputChunk;
        parts.push(c.data);
        n += c.data.length;
      }
      first = { stream: first.stream, data: Buffer.concat(parts, n) };
    }
    this.#queued -= first.data.length;
    if (this.#paused && this.#queued <= this.#high / 2) {
      this.#paused = false;
      for (const s of this.#sources) if (!s.ended) s.readable.resume();
    }
    return first;
  }

  /** Stops reading (the process was killed, the caller went away). */
  destroy(): void {
    for (const s of this.#sources) {
      s.readable.destroy();
      s.ended = true;
    }
    this.#wake?.();
  }

  #onData(s: Source, raw: Buffer): void {
    if (s.truncated) return; // keep draining so the process never blocks on a full pipe
    this.#emit(s, s.redact.push(s.decoder.write(raw)));
  }

  #onEnd(s: Source): void {
    if (s.ended) return;
    if (!s.truncated) this.#emit(s, s.redact.push(s.decoder.end()) + s.redact.flush());
    s.ended = true;
    this.#wake?.();
  }

  #emit(s: Source, text: string): void {
    if (text.length === 0) return;
    let data = Buffer.from(text, 'utf8');
    const room = this.#max - s.delivered;
    if (data.length > room) {
      s.truncated = true;
      data = data.subarray(0, Math.max(0, room));
      if (data.length === 0) return;
    }
    s.delivered += data.length;
    for (let off = 0; off < data.length; off += this.#chunk) {
      const part = data.subarray(off, Math.min(data.length, off + this.#chunk));
      this.#queue.push({ stream: s.name, data: part });
      this.#queued += part.length;
    }
    if (!this.#paused && this.#queued > this.#high) {
      this.#paused = true;
      for (const x of this.#sources) if (!x.ended) x.readable.pause();
    }
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }
}
