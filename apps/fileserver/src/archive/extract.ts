import { setMaxListeners } from 'node:events';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ArchiveRejectedError } from '../errors';
import { ExtractionBudget, type ArchiveLimits } from './budget';
import { Bunzip2FileStream } from './bunzip2';
import { byteCounter } from './byte-counter';
import { FORMAT_PROBE_BYTES, detectArchiveFormat, type ArchiveFormat } from './format';
import { EXACTLY_ONE_DIRECTORY_MESSAGE, UNRECOGNIZED_FORMAT_MESSAGE } from './messages';
import { TarStartCheck, readTarEntries } from './tar-reader';
import { BlueprintTreeWriter, type ExtractedFile } from './tree-writer';
import { readZipEntries } from './zip-reader';

export interface ExtractionOutcome {
  readonly format: ArchiveFormat;
  /** Files written, relative to the target folder, sorted. */
  readonly files: readonly ExtractedFile[];
  /** Decompressed bytes read (tar stream including headers, or zip entry contents). */
  readonly bytes: number;
}

/**
 * Extracts an untrusted blueprint archive into `targetDir` (which must exist and be empty): the
 * contents of its single top-level directory become the contents of `targetDir`. The format is
 * detected from content. Everything streams: memory use does not grow with the archive's size.
 * On rejection (`ArchiveRejectedError`) `targetDir` may hold partial output: the caller removes it.
 * @example await extractArchive('/res/.staging/up-1', '/res/.staging/x-1', { maxExtractedBytes: 1 << 30, maxEntries: 10_000, maxCompressionRatio: 200 })
 */
export async function extractArchive(archivePath: string, targetDir: string, limits: ArchiveLimits): Promise<ExtractionOutcome> {
  const { head, size } = await probe(archivePath);
  const format = detectArchiveFormat(head);
  if (format === undefined) {
    if (size === 0) throw new ArchiveRejectedError('Blueprint archive is empty');
    // A tar with no entries is only its zero end-of-archive blocks.
    if (head.every((byte) => byte === 0)) throw new ArchiveRejectedError(`${EXACTLY_ONE_DIRECTORY_MESSAGE} (the archive is empty)`);
    throw new ArchiveRejectedError(UNRECOGNIZED_FORMAT_MESSAGE);
  }

  const controller = new AbortController();
  // One abort listener per file being written: up to a read chunk's worth of tiny entries (≤ 128).
  setMaxListeners(256, controller.signal);
  let compressedBytesRead = 0;
  const budget = new ExtractionBudget(limits, () => (format === 'zip' ? size : compressedBytesRead));
  const writer = new BlueprintTreeWriter(targetDir, budget, controller.signal);
  const produce = (bytes: number): void => budget.produce(bytes);

  switch (format) {
    case 'zip':
      await readZipEntries(archivePath, writer.add, produce);
      break;
    case 'tar':
    case 'tar.gz': {
      const stages: Duplex[] = [byteCounter((bytes) => (compressedBytesRead += bytes))];
      if (format === 'tar.gz') stages.push(createGunzip());
      stages.push(byteCounter(produce), new TarStartCheck());
      await readTarEntries(createReadStream(archivePath), stages, writer.add, controller);
      break;
    }
    case 'tar.bz2': {
      // Decoded on a worker thread that reads the file itself and says how far it got.
      const decoded = new Bunzip2FileStream(archivePath, (bytes, compressedBytes) => {
        compressedBytesRead = compressedBytes;
        produce(bytes);
      });
      await readTarEntries(decoded, [new TarStartCheck()], writer.add, controller);
      break;
    }
  }
  return { format, files: writer.finish(), bytes: budget.bytes };
}

async function probe(path: string): Promise<{ head: Buffer; size: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(FORMAT_PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { head: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}
