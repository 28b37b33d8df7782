import { ArchiveRejectedError } from '../errors';

export interface ArchiveLimits {
  /** Most bytes one extraction may produce. */
  readonly maxExtractedBytes: number;
  /** Most entries of any kind. */
  readonly maxEntries: number;
  /** Most decompressed bytes per compressed byte, once past `RATIO_GRACE_BYTES`. */
  readonly maxCompressionRatio: number;
}

/**
 * Output below this never trips the ratio check: a tiny tar.gz is mostly zero padding and can
 * legitimately compress 100:1.
 */
export const RATIO_GRACE_BYTES = 1024 * 1024;

/**
 * Counts what an extraction produces and stops it the moment a limit is passed, while streaming:
 * a bomb is refused after at most one chunk past the limit, never after it has been written out.
 */
export class ExtractionBudget {
  private entries = 0;
  private declaredBytes = 0;
  private producedBytes = 0;

  /** @param compressedBytesRead how much of the archive has been read so far (for the ratio) */
  constructor(
    private readonly limits: ArchiveLimits,
    private readonly compressedBytesRead: () => number,
  ) {}

  get bytes(): number {
    return this.producedBytes;
  }

  countEntry(): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveRejectedError(`Blueprint archive has more than ${this.limits.maxEntries} entries`);
    }
  }

  /** Checks a size announced by an entry header before reading it, to refuse bombs early. */
  declare(bytes: number): void {
    this.declaredBytes += bytes;
    if (this.declaredBytes > this.limits.maxExtractedBytes) throw this.tooLarge();
  }

  /** Counts bytes actually produced. */
  produce(bytes: number): void {
    this.producedBytes += bytes;
    if (this.producedBytes > this.limits.maxExtractedBytes) throw this.tooLarge();
    if (this.producedBytes > RATIO_GRACE_BYTES) {
      const ratio = this.producedBytes / Math.max(1, this.compressedBytesRead());
      if (ratio > this.limits.maxCompressionRatio) {
        throw new ArchiveRejectedError(
          `Blueprint archive expands more than ${this.limits.maxCompressionRatio} times its compressed size`,
        );
      }
    }
  }

  private tooLarge(): ArchiveRejectedError {
    return new ArchiveRejectedError(`Blueprint archive expands to more than ${this.limits.maxExtractedBytes} bytes`);
  }
}
