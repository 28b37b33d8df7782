// @ts-check
// The bzip2 decoder core of unbzip2-stream, run on a worker thread for Bunzip2FileStream
// (bunzip2.ts; protocol in bunzip2-protocol.ts). It reads the file through the reader's open
// descriptor and posts decoded chunks back, taking one credit from the reader before each post: so
// it never runs more than a few chunks ahead of the extraction limits (a bomb costs no memory).
// The reader cancels through the same counter and terminates the thread, at any point of a block.
// Plain JavaScript because worker threads cannot load TypeScript on Node 20 (tsx does not reach
// them); checked by tsc through JSDoc (checkJs in the app's tsconfig).
'use strict';

const { fstatSync, readSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const bitIterator = require('unbzip2-stream/lib/bit_iterator');
const bzip2 = require('unbzip2-stream/lib/bzip2');

/** @typedef {import('./bunzip2-protocol').Bunzip2WorkerData} Bunzip2WorkerData */
/** @typedef {import('./bunzip2-protocol').Bunzip2WorkerMessage} Bunzip2WorkerMessage */

const INPUT_CHUNK_BYTES = 64 * 1024;

/** The reader cancelled: stop quietly, it is not listening any more. */
class Cancelled extends Error {}

/** The data ended in the middle of a bzip2 stream. */
class Truncated extends Error {}

/** @param {Bunzip2WorkerMessage} message */
function post(message) {
  if (parentPort === null) throw new Error('bunzip2.worker.cjs must run as a worker thread');
  parentPort.postMessage(message);
}

/** @param {Int32Array} credits */
function takeCredit(credits) {
  for (;;) {
    const available = Atomics.load(credits, 0);
    if (available < 0) throw new Cancelled();
    if (available > 0) {
      if (Atomics.compareExchange(credits, 0, available, available - 1) === available) return;
    } else {
      Atomics.wait(credits, 0, 0);
    }
  }
}

/**
 * Decodes every bzip2 stream in the file (bzip2 allows several, concatenated), posting chunks.
 * @param {Bunzip2WorkerData} data
 */
function decode(data) {
  const credits = new Int32Array(data.credits);
  const size = fstatSync(data.fd).size;
  // One input and one output buffer for the whole file, so the thread makes no garbage: the bit
  // reader is done with a buffer when it asks for the next, and each chunk is posted as a copy.
  const input = Buffer.allocUnsafe(INPUT_CHUNK_BYTES);
  let position = 0;
  const bits = bitIterator(() => {
    const read = readSync(data.fd, input, 0, input.length, position);
    if (read === 0) throw new Truncated('the data ends in the middle of a bzip2 stream');
    position += read;
    return input.subarray(0, read);
  });

  const output = new Uint8Array(data.chunkBytes);
  let outputBytes = 0;
  const flush = () => {
    takeCredit(credits);
    post({ type: 'chunk', data: output.subarray(0, outputBytes), compressedBytes: bits.bytesRead });
    outputBytes = 0;
  };
  /** @param {number} byte */
  const append = (byte) => {
    output[outputBytes++] = byte;
    if (outputBytes === output.length) flush();
  };

  let workspace = new Int32Array(0);
  while (bits.bytesRead < size) {
    const blockBytes = 100_000 * bzip2.header(bits);
    if (workspace.length < blockBytes) workspace = new Int32Array(blockBytes);
    // The running CRC of the stream; null once its end-of-stream marker is read.
    /** @type {number | null} */
    let streamCrc = 0;
    while (streamCrc !== null) streamCrc = bzip2.decompress(bits, append, workspace, blockBytes, streamCrc);
  }
  if (outputBytes > 0) flush();
  post({ type: 'end', compressedBytes: bits.bytesRead });
}

/**
 * The errno code of a Node system error, as `errnoCode` in errors.ts (which this file cannot load).
 * @param {unknown} error
 */
function errnoCode(error) {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** @param {Bunzip2WorkerData} data */
function run(data) {
  try {
    decode(data);
  } catch (error) {
    if (error instanceof Cancelled) return;
    const code = errnoCode(error);
    if (code !== undefined) {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error), code });
      return;
    }
    // unbzip2-stream throws its own error objects (not Error instances) for invalid data.
    post({ type: 'corrupt', detail: String(/** @type {{ message?: unknown } | undefined} */ (error)?.message ?? error) });
  }
}

run(/** @type {Bunzip2WorkerData} */ (workerData));
