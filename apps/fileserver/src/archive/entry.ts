import type { Readable } from 'node:stream';

/** What an archive entry is, whatever its format calls it. */
export type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'special' | 'unsupported';

/** One entry of an archive being read, handed to an `EntryHandler`. */
export interface ArchiveEntry {
  /** The name exactly as stored in the archive (untrusted). */
  readonly name: string;
  readonly kind: EntryKind;
  /** The format's own name for the entry type, for messages (e.g. `SymbolicLink`). */
  readonly typeName: string;
  /** Size announced by the entry header, in bytes (0 for anything but files). */
  readonly declaredSize: number;
  /** The content of a file entry. Call at most once, and only for files. */
  readonly openContent: () => Promise<Readable | AsyncIterable<Uint8Array>>;
}

/** Receives entries one by one; a rejection stops the whole extraction. */
export type EntryHandler = (entry: ArchiveEntry) => Promise<void>;
