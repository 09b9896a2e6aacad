// Caller side of "a worker that dies mid-run produces a clear error to the caller within the
// deadline" (issue #7 item 1). A live worker sends something at least every heartbeat period
// (1 s) from the moment it accepted a run; when nothing arrives for `silenceMs` the worker (or its
// link) is gone, so the stream ends with UNAVAILABLE instead of hanging until the deadline. The
// command is NOT retried: its grant nonce is spent, and whether it ran is unknown (at most once).
import { Code, RpcError } from '@hermes/rpc';

export interface RunWatchdogOptions {
  /** Silence that counts as a dead worker. Default 3500 ms (three and a half heartbeat periods). */
  readonly silenceMs?: number;
  /** Aborted when the watchdog gives up, so the underlying call stops waiting (pass its signal to the RPC). */
  readonly abort?: AbortController;
}

export async function* watchRun<T>(stream: AsyncIterable<T>, options: RunWatchdogOptions = {}): AsyncGenerator<T> {
  const silenceMs = options.silenceMs ?? 3500;
  const it = stream[Symbol.asyncIterator]();
  let finished = false;
  try {
    while (true) {
      let timer: NodeJS.Timeout | undefined;
      const silence = new Promise<'silent'>((r) => {
        timer = setTimeout(() => r('silent'), silenceMs);
      });
      const next = await Promise.race([it.next(), silence]).finally(() => clearTimeout(timer));
      if (next === 'silent') {
        options.abort?.abort();
        throw new RpcError(
          Code.UNAVAILABLE,
          `the executor worker went silent (no heartbeat for ${silenceMs} ms): it or its link died; the command's outcome is unknown and it was not retried`,
        );
      }
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Abandoned (by the caller or the watchdog): release the stream without waiting on a dead peer.
    if (!finished) void it.return?.()?.catch?.(() => {});
  }
}
