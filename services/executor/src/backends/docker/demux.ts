// Splits Docker's multiplexed attach stream (8-byte frame header: stream id, 3 zero bytes, big-endian
// length) into stdout and stderr WITH back-pressure: when a consumer stops reading, the socket is
// paused, so a slow caller slows dockerd instead of growing the worker's memory (docker-modem's
// demuxStream ignores back-pressure).
import { PassThrough, type Readable } from 'node:stream';

export function demuxDockerStream(raw: Readable): { stdout: PassThrough; stderr: PassThrough } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let pending: Buffer = Buffer.alloc(0);
  let waiting = 0;
  const resume = () => {
    waiting = Math.max(0, waiting - 1);
    if (waiting === 0) raw.resume();
  };
  raw.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const type = pending[0];
      const payload = pending.subarray(8, 8 + size);
      pending = pending.subarray(8 + size);
      const target = type === 2 ? stderr : stdout;
      if (!target.write(payload)) {
        waiting++;
        raw.pause();
        target.once('drain', resume);
      }
    }
  });
  const finish = () => {
    if (!stdout.writableEnded) stdout.end();
    if (!stderr.writableEnded) stderr.end();
  };
  raw.once('end', finish);
  raw.once('close', finish);
  raw.once('error', finish);
  return { stdout, stderr };
}
