import { Transform, type TransformCallback } from 'node:stream';
import { BadParametersError } from '@cfy/contracts';
import { PayloadTooLargeError } from '../errors';

/** Blueprint archive formats (rest-api §6.1), named as the kept archive's extension. */
export type ArchiveExtension = 'zip' | 'tar' | 'tar.gz' | 'tar.bz2';

/** Bytes needed to tell the formats apart (a tar header block). */
export const HEAD_BYTES = 512;

/** 3.4's message for anything that is not one of the four formats, verbatim. */
export const UNRECOGNIZED_FORMAT_MESSAGE =
  "Blueprint archive is of an unrecognized format. Supported formats are: ['zip', 'tar', 'tar.gz', 'tar.bz2']";

/**
 * Names the archive format from its first bytes: gzip (1f 8b), bzip2 (`BZh1`..`BZh9`), zip (a local
 * file header or the end record of an empty zip), tar (`ustar` at offset 257). Only the name of the
 * kept file depends on this; the fileserver detects the format again when it extracts.
 * @returns undefined for anything else
 * @example archiveExtension(Buffer.from([0x1f, 0x8b, 8])) // 'tar.gz'
 */
export function archiveExtension(head: Buffer): ArchiveExtension | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length >= 4 && head.subarray(0, 3).toString('latin1') === 'BZh' && (head[3] ?? 0) >= 0x31 && (head[3] ?? 0) <= 0x39) return 'tar.bz2';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

/**
 * The pass-through an uploaded archive flows through on its way to the fileserver: it counts bytes
 * and fails with PayloadTooLargeError past `maxBytes`, and captures the first bytes so the format
 * is known before anything is sent. Nothing is buffered beyond the stream's own high-water mark.
 * @example
 * const intake = new ArchiveIntake(512 << 20);
 * source.pipe(intake);
 * const extension = await intake.extension(); // throws bad_parameters_error for an unknown format
 */
export class ArchiveIntake extends Transform {
  private received = 0;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  private headSettled = false;
  private resolveHead!: (head: Buffer) => void;
  private rejectHead!: (error: unknown) => void;
  private readonly head: Promise<Buffer>;

  constructor(private readonly maxBytes: number) {
    super();
    this.head = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    // The stream may fail (limit, client gone, abort) while nobody consumes it yet: the failure is
    // reported through extension() and to its consumer, so it must not crash the process here.
    this.head.catch(() => undefined);
    this.on('error', () => undefined);
    this.once('close', () => this.settleHead(new Error('the archive stream closed before its first bytes arrived')));
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.received;
  }

  /**
   * The kept archive's extension, once the first bytes (or the whole, shorter body) arrived.
   * @throws BadParametersError for an empty body or an unknown format; the stream's error if it failed first
   */
  async extension(): Promise<ArchiveExtension> {
    const head = await this.head;
    if (head.length === 0) throw new BadParametersError('Blueprint archive is empty');
    const extension = archiveExtension(head);
    if (extension === undefined) throw new BadParametersError(UNRECOGNIZED_FORMAT_MESSAGE);
    return extension;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.maxBytes) {
      const error = new PayloadTooLargeError(this.maxBytes);
      this.settleHead(error);
      callback(error);
      return;
    }
    if (!this.headSettled) {
      this.headChunks.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength >= HEAD_BYTES) this.settleHead();
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.settleHead();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.settleHead(error ?? new Error('the archive stream was destroyed'));
    callback(error);
  }

  private settleHead(error?: unknown): void {
    if (this.headSettled) return;
    this.headSettled = true;
    if (error === undefined) this.resolveHead(Buffer.concat(this.headChunks).subarray(0, HEAD_BYTES));
    else this.rejectHead(error);
    this.headChunks.length = 0;
  }
}
