import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { ArchiveRejectedError } from '../errors';
import type { Bunzip2WorkerData, Bunzip2WorkerMessage } from './bunzip2-protocol';

const WORKER_FILE = join(__dirname, 'bunzip2.worker.cjs');
/** Decoded bytes arrive in chunks of this size. */
const CHUNK_BYTES = 64 * 1024;
/** How many chunks the worker may decode ahead of the reader; bounds the memory in flight. */
const WINDOW_CHUNKS = 4;
/** The worker holds a 3.6 MB block workspace and a few chunks; this only catches a runaway. */
const WORKER_HEAP_MB = 64;

/**
 * Receives a chunk before it is passed on. `compressedBytes` is how much of the file was consumed to
 * produce everything so far (for the expansion ratio). When it throws, decoding stops and the stream
 * fails with that error.
 */
export type BeforeOutput = (bytes: number, compressedBytes: number) => void;

/**
 * The decompressed content of a bzip2 file, as a Readable of 64 KiB chunks. Node has no bzip2, and
 * the pure-JavaScript decoder (the core of `unbzip2-stream`) needs ~0.3 s of CPU per 900 kB block,
 * so it runs on a worker thread that reads the file itself: the event loop stays free. The worker
 * only decodes as far as the reader has room for (`WINDOW_CHUNKS`), and every chunk passes
 * `beforeOutput` first, so a bomb is stopped mid-block with a few hundred kB in flight. Destroying
 * the stream terminates the worker, then closes the file. Invalid or truncated data fails it with an
 * `ArchiveRejectedError`; a read error fails it with that error.
 * @example await pipeline(new Bunzip2FileStream('/res/.staging/up-1', (bytes) => budget.produce(bytes)), tarParser)
 */
export class Bunzip2FileStream extends Readable {
  private file: FileHandle | undefined;
  private worker: Worker | undefined;
  private readonly shared = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  /** Shared with the worker: chunks it may still post, or -1 once cancelled. */
  private readonly credits = new Int32Array(this.shared);
  private granted = 0;
  private received = 0;
  /** False while the reader's buffer is full: no new credit until it asks for more. */
  private wanted = false;
  private ended = false;

  constructor(
    private readonly path: string,
    private readonly beforeOutput: BeforeOutput,
  ) {
    super({ highWaterMark: WINDOW_CHUNKS * CHUNK_BYTES });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    void open(this.path, 'r').then((file) => {
      this.file = file;
      this.worker = this.startWorker(file.fd);
      callback();
    }, callback);
  }

  override _read(): void {
    this.wanted = true;
    this.grant();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Wakes a worker waiting for credit, so it stops even if termination could not interrupt a wait.
    Atomics.store(this.credits, 0, -1);
    Atomics.notify(this.credits, 0);
    void this.stop().then(
      () => callback(error),
      (stopError: unknown) => callback(error ?? (stopError as Error)),
    );
  }

  private startWorker(fd: number): Worker {
    const workerData: Bunzip2WorkerData = { fd, chunkBytes: CHUNK_BYTES, credits: this.shared };
    // No execArgv: the worker is plain JavaScript and needs none of the parent's loaders (tsx).
    const worker = new Worker(WORKER_FILE, { workerData, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    worker.on('message', (message: Bunzip2WorkerMessage) => this.onMessage(message));
    worker.on('error', (error) => this.destroy(error));
    worker.on('exit', () => {
      if (!this.ended) this.destroy(new Error('the bzip2 worker stopped before the end of the data'));
    });
    return worker;
  }

  /**
   * Ends the thread, then closes the file it was reading: a finished stream leaves nothing open, and
   * the descriptor is never closed under a thread still reading it.
   */
  private async stop(): Promise<void> {
    await this.worker?.terminate();
    await this.file?.close();
  }

  private onMessage(message: Bunzip2WorkerMessage): void {
    if (this.destroyed) return;
    switch (message.type) {
      case 'chunk': {
        this.received += 1;
        try {
          this.beforeOutput(message.data.byteLength, message.compressedBytes);
        } catch (error) {
          this.destroy(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        this.wanted = this.push(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
        this.grant();
        return;
      }
      case 'end':
        this.ended = true;
        this.push(null);
        return;
      case 'corrupt':
        this.destroy(
          new ArchiveRejectedError('Blueprint archive is corrupt: the bzip2 data is invalid or truncated', { cause: new Error(message.detail) }),
        );
        return;
      case 'failed':
        this.destroy(Object.assign(new Error(message.message), { code: message.code }));
        return;
    }
  }

  /** Lets the worker decode up to `WINDOW_CHUNKS` chunks past what the reader has received. */
  private grant(): void {
    let added = 0;
    while (this.wanted && this.granted - this.received < WINDOW_CHUNKS) {
      this.granted += 1;
      added += 1;
    }
    if (added === 0) return;
    Atomics.add(this.credits, 0, added);
    Atomics.notify(this.credits, 0);
  }
}
