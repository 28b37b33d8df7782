import { Transform } from 'node:stream';

/**
 * A pass-through that reports every chunk's size before forwarding it; when `onBytes` throws, the
 * stream fails with that error (this is how limits stop a pipeline mid-stream).
 */
export function byteCounter(onBytes: (bytes: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        onBytes(chunk.length);
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, chunk);
    },
  });
}
