import type { Duplex, Readable } from 'node:stream';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { ArchiveRejectedError, quoteName } from '../errors';
import type { ArchiveEntry, EntryHandler, EntryKind } from './entry';
import { hasUstarMagic } from './format';
import { EXACTLY_ONE_DIRECTORY_MESSAGE, UNRECOGNIZED_FORMAT_MESSAGE } from './messages';

const TAR_BLOCK_BYTES = 512;
/**
 * Above this many entries still being written, the next chunk waits. node-tar moves on to the next
 * entry as soon as the previous one's data is read, before its file is flushed and closed, so without
 * a bound a tar of many tiny files would open files faster than they close.
 */
const MAX_ENTRIES_IN_FLIGHT = 8;

/**
 * Reads a tar stream entry by entry with node-tar's `Parser` (strict: every malformed header or
 * truncation is an error, not a warning). `stages` turn `source` into plain tar (e.g. a gunzip).
 * On the first failure — from the stream, the parser or `onEntry` — `controller` is aborted so
 * every write in flight stops, and the first error is thrown once they have all settled.
 */
export async function readTarEntries(
  source: Readable,
  stages: readonly Duplex[],
  onEntry: EntryHandler,
  controller: AbortController,
): Promise<void> {
  // Decompression is done by `stages`, where it is counted; the parser must never unzip again.
  const parser = new Parser({ strict: true, brotli: false, zstd: false, maxMetaEntrySize: 64 * 1024 });
  const handled: Array<Promise<void>> = [];
  let inFlight = 0;
  let waiting: Array<() => void> = [];
  const roomForMore = (): Promise<void> =>
    inFlight < MAX_ENTRIES_IN_FLIGHT ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve));
  const settled = (): void => {
    inFlight -= 1;
    if (inFlight >= MAX_ENTRIES_IN_FLIGHT) return;
    const ready = waiting;
    waiting = [];
    ready.forEach((resolve) => resolve());
  };
  let failure: unknown;
  const fail = (error: unknown): void => {
    failure ??= error;
    controller.abort(failure);
  };

  const parsed = new Promise<void>((resolve) => {
    controller.signal.addEventListener('abort', () => resolve(), { once: true });
    parser.on('end', () => resolve());
    parser.on('error', (error: Error) => fail(asCorrupt(error)));
    parser.on('ignoredEntry', (entry: ReadEntry) => {
      fail(new ArchiveRejectedError(`Blueprint archive entry ${quoteName(entry.path)} has the unsupported type ${entry.type}`));
    });
    parser.on('entry', (entry: ReadEntry) => {
      if (failure !== undefined) {
        entry.resume();
        return;
      }
      const archiveEntry = fromTarEntry(entry);
      // Only files are read by the handler; anything else must be drained for the parser to go on.
      if (archiveEntry.kind !== 'file') entry.resume();
      inFlight += 1;
      handled.push(onEntry(archiveEntry).catch(fail).finally(settled));
    });
  });

  const streamed = pipeline([source, ...stages, parserSink(parser, roomForMore)], { signal: controller.signal }).catch((error: unknown) =>
    fail(controller.signal.aborted ? failure : asCorrupt(error)),
  );
  await Promise.all([parsed, streamed]);
  await Promise.allSettled(handled);
  if (failure !== undefined) throw failure;
}

/**
 * Checks the start of the (decompressed) tar stream before the parser sees it: an all-zero first
 * block is an empty archive, and a missing `ustar` magic means this is not a tar at all — which also
 * stops a gzip nested in a gzip from being unzipped a second time, uncounted, by the parser.
 */
export class TarStartCheck extends Transform {
  private head: Buffer[] = [];
  private headBytes = 0;
  private checked = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.checked) {
      callback(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < TAR_BLOCK_BYTES) {
      callback();
      return;
    }
    const start = Buffer.concat(this.head);
    this.head = [];
    this.checked = true;
    callback(firstBlockProblem(start.subarray(0, TAR_BLOCK_BYTES)), start);
  }

  override _flush(callback: TransformCallback): void {
    if (this.checked) {
      callback();
      return;
    }
    callback(firstBlockProblem(Buffer.concat(this.head)));
  }
}

function firstBlockProblem(block: Buffer): ArchiveRejectedError | null {
  if (block.every((byte) => byte === 0)) return new ArchiveRejectedError(`${EXACTLY_ONE_DIRECTORY_MESSAGE} (the archive is empty)`);
  if (block.length < TAR_BLOCK_BYTES || !hasUstarMagic(block)) return new ArchiveRejectedError(UNRECOGNIZED_FORMAT_MESSAGE);
  return null;
}

/**
 * node-tar's Parser is an EventEmitter with write/end, not a stream; this adapts it for `pipeline`,
 * holding back the next chunk until the parser drained and `roomForMore` allows it.
 */
function parserSink(parser: Parser, roomForMore: () => Promise<void>): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const proceed = (): void => void roomForMore().then(() => callback());
      if (parser.write(chunk)) proceed();
      else parser.once('drain', proceed);
    },
    final(callback) {
      parser.end();
      callback();
    },
  });
}

const TAR_KINDS: Record<string, EntryKind> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
  CharacterDevice: 'special',
  BlockDevice: 'special',
  FIFO: 'special',
};

const SPECIAL_NAMES: Record<string, string> = {
  CharacterDevice: 'character device',
  BlockDevice: 'block device',
  FIFO: 'FIFO',
};

function fromTarEntry(entry: ReadEntry): ArchiveEntry {
  const kind = TAR_KINDS[entry.type] ?? 'unsupported';
  return {
    name: entry.path,
    kind,
    typeName: SPECIAL_NAMES[entry.type] ?? entry.type,
    declaredSize: kind === 'file' ? entry.size : 0,
    openContent: () => Promise.resolve(entry),
  };
}

/** Errors raised by reading the archive's bytes (zlib, tar parser) mean the archive is broken. */
function asCorrupt(error: unknown): unknown {
  if (error instanceof ArchiveRejectedError) return error;
  const details = error as { code?: unknown; tarCode?: unknown; message?: unknown } | undefined;
  const fromZlib = typeof details?.code === 'string' && details.code.startsWith('Z_');
  if (details?.tarCode !== undefined || fromZlib) {
    return new ArchiveRejectedError(`Blueprint archive is corrupt: ${String(details?.message)}`, { cause: error });
  }
  return error;
}
