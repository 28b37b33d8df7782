// The messages between Bunzip2FileStream (bunzip2.ts) and its worker thread (bunzip2.worker.cjs).
// Types only: the worker is plain JavaScript and imports them through JSDoc.

/** What the reader gives its worker as `workerData`. */
export interface Bunzip2WorkerData {
  /**
   * An open descriptor of the bzip2 file; the worker reads it itself (no input crosses threads) but
   * the reader owns it and closes it, which stays safe when the worker is terminated at any point.
   */
  readonly fd: number;
  /** Size of the decoded chunks the worker posts, in bytes (the last one may be shorter). */
  readonly chunkBytes: number;
  /**
   * One Int32: how many more chunks the worker may post. The reader adds to it as it consumes and
   * the worker takes one before each post, waiting (`Atomics.wait`) at zero. Negative: cancelled,
   * the worker stops at once, even in the middle of a block.
   */
  readonly credits: SharedArrayBuffer;
}

/** What the worker posts, in this order: chunks, then exactly one of end, corrupt or failed. */
export type Bunzip2WorkerMessage =
  /** Decoded bytes; `compressedBytes` is how much of the file was consumed to produce them. */
  | { readonly type: 'chunk'; readonly data: Uint8Array; readonly compressedBytes: number }
  | { readonly type: 'end'; readonly compressedBytes: number }
  /** The data is not valid bzip2, or ends in the middle of a stream. */
  | { readonly type: 'corrupt'; readonly detail: string }
  /** The file could not be read (an I/O error, with its errno code). */
  | { readonly type: 'failed'; readonly message: string; readonly code: string };
