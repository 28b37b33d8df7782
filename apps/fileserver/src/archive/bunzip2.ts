import { Transform, type TransformCallback } from 'node:stream';
import bitIterator = require('unbzip2-stream/lib/bit_iterator');
import bzip2 = require('unbzip2-stream/lib/bzip2');
import { ArchiveRejectedError } from '../errors';

/** Decoded bytes are handed on in chunks of this size. */
const OUTPUT_CHUNK_BYTES = 64 * 1024;
/** A block is decoded only once this much input (or the end) is there, so it never runs dry. */
const lookaheadBytes = (blockSize: number): number => 25_000 + 100_000 * blockSize;

/**
 * bzip2 decompression as a Node Transform. Node has no bzip2, so this drives the decoder core of
 * `unbzip2-stream` (pure JS) directly instead of its stream wrapper: that wrapper collects a whole
 * decoded block (up to 46 MB) as an array of JS numbers before emitting it, so a 337-byte bzip2
 * bomb drove the process to 1.2 GB. Here bytes go into 64 KB buffers, and `beforeOutput` sees each
 * one before it is passed on; when it throws (a limit), decoding stops mid-block.
 */
export class Bunzip2 extends Transform {
  private readonly input: Buffer[] = [];
  private inputBytes = 0;
  /** Created at the first chunk: the reader takes its first buffer when constructed. */
  private bits: ReturnType<typeof bitIterator> | undefined;
  /** Block size of the current stream, 0 between streams. */
  private blockSize = 0;
  /** Running CRC of the current stream; null between streams. */
  private streamCrc: number | null = null;
  private workspace = new Int32Array(0);
  private output = Buffer.allocUnsafe(OUTPUT_CHUNK_BYTES);
  private outputBytes = 0;

  constructor(private readonly beforeOutput: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.input.push(chunk);
    this.inputBytes += chunk.length;
    this.bits ??= bitIterator(() => this.input.shift());
    this.run(false, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.run(true, callback);
  }

  private run(atEnd: boolean, callback: TransformCallback): void {
    try {
      this.decode(atEnd);
      if (atEnd && this.streamCrc !== null) throw new Error('input ended inside a bzip2 stream');
      this.flushOutput();
      callback();
    } catch (error) {
      callback(
        error instanceof ArchiveRejectedError
          ? error
          : new ArchiveRejectedError('Blueprint archive is corrupt: the bzip2 data is invalid or truncated', { cause: error }),
      );
    }
  }

  private decode(atEnd: boolean): void {
    const bits = this.bits;
    if (bits === undefined) return;
    const unread = (): number => this.inputBytes - bits.bytesRead;
    while (unread() > 0 && (atEnd || unread() >= lookaheadBytes(this.blockSize))) {
      if (this.blockSize === 0) {
        this.blockSize = bzip2.header(bits);
        this.streamCrc = 0;
        continue;
      }
      const size = 100_000 * this.blockSize;
      if (this.workspace.length < size) this.workspace = new Int32Array(size);
      this.streamCrc = bzip2.decompress(bits, (byte) => this.appendByte(byte), this.workspace, size, this.streamCrc ?? 0);
      // null: end-of-stream marker; a concatenated stream may follow.
      if (this.streamCrc === null) this.blockSize = 0;
    }
  }

  private appendByte(byte: number): void {
    this.output[this.outputBytes++] = byte;
    if (this.outputBytes === OUTPUT_CHUNK_BYTES) this.flushOutput();
  }

  private flushOutput(): void {
    if (this.outputBytes === 0) return;
    this.beforeOutput(this.outputBytes);
    this.push(this.output.subarray(0, this.outputBytes));
    this.output = Buffer.allocUnsafe(OUTPUT_CHUNK_BYTES);
    this.outputBytes = 0;
  }
}
