import type { Readable } from 'node:stream';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { ArchiveRejectedError, errnoCode, quoteName } from '../errors';
import type { ArchiveEntry, EntryHandler, EntryKind } from './entry';
import { UNRECOGNIZED_FORMAT_MESSAGE } from './messages';

const MADE_BY_UNIX = 3;
const FILE_TYPE_MASK = 0o170000;
const UNIX_KINDS: Record<number, { kind: EntryKind; typeName: string }> = {
  0o100000: { kind: 'file', typeName: 'file' },
  0o040000: { kind: 'directory', typeName: 'directory' },
  0o120000: { kind: 'symlink', typeName: 'symbolic link' },
  0o010000: { kind: 'special', typeName: 'FIFO' },
  0o020000: { kind: 'special', typeName: 'character device' },
  0o060000: { kind: 'special', typeName: 'block device' },
  0o140000: { kind: 'special', typeName: 'socket' },
};

/**
 * Reads a zip file entry by entry with yauzl, one entry at a time. yauzl reads the central
 * directory, refuses names with `..`, absolute paths and backslashes, and checks that each entry
 * inflates to exactly its declared size; `countOutput` sees every decompressed chunk.
 */
export async function readZipEntries(
  path: string,
  onEntry: EntryHandler,
  countOutput: (bytes: number) => void,
): Promise<void> {
  let zip: ZipFile;
  try {
    zip = await openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: true });
  } catch (error) {
    throw asRejection(error, UNRECOGNIZED_FORMAT_MESSAGE);
  }
  try {
    for await (const entry of zip.eachEntry()) {
      await onEntry(fromZipEntry(zip, entry, countOutput));
    }
  } catch (error) {
    throw asRejection(error);
  } finally {
    zip.close();
  }
}

function fromZipEntry(zip: ZipFile, entry: Entry, countOutput: (bytes: number) => void): ArchiveEntry {
  const { kind, typeName } = kindOf(entry);
  return {
    name: entry.fileName,
    kind,
    typeName,
    declaredSize: kind === 'file' ? entry.uncompressedSize : 0,
    openContent: async () => {
      if (entry.isEncrypted()) {
        throw new ArchiveRejectedError(`Blueprint archive entry ${quoteName(entry.fileName)} is encrypted, which is not supported`);
      }
      return counted(await zip.openReadStreamPromise(entry), countOutput);
    },
  };
}

/** Reports each chunk before passing it on; ending the iteration early destroys `content`. */
async function* counted(content: Readable, countOutput: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of content as AsyncIterable<Buffer>) {
    countOutput(chunk.length);
    yield chunk;
  }
}

function kindOf(entry: Entry): { kind: EntryKind; typeName: string } {
  const isDirectoryName = entry.fileName.endsWith('/');
  const unixType = (entry.externalFileAttributes >>> 16) & FILE_TYPE_MASK;
  if (entry.versionMadeBy >> 8 === MADE_BY_UNIX && unixType !== 0) {
    const known = UNIX_KINDS[unixType] ?? { kind: 'unsupported', typeName: `unix mode ${unixType.toString(8)}` };
    return known.kind === 'file' && isDirectoryName ? { kind: 'directory', typeName: 'directory' } : known;
  }
  return isDirectoryName ? { kind: 'directory', typeName: 'directory' } : { kind: 'file', typeName: 'file' };
}

/** yauzl and inflate errors are about the archive's bytes; file-system errors are not. */
function asRejection(error: unknown, message?: string): unknown {
  if (error instanceof ArchiveRejectedError) return error;
  const code = errnoCode(error);
  if (code !== undefined && /^E[A-Z]+$/.test(code)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ArchiveRejectedError(message ?? `Blueprint archive is invalid: ${detail}`, { cause: error });
}
