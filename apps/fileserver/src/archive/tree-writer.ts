import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ArchiveRejectedError, errnoCode, quoteName } from '../errors';
import type { ExtractionBudget } from './budget';
import type { ArchiveEntry } from './entry';
import { parseEntryPath } from './entry-path';
import { EXACTLY_ONE_DIRECTORY_MESSAGE } from './messages';

/** A file written by an extraction, relative to the blueprint folder (`/`-separated). */
export interface ExtractedFile {
  readonly path: string;
  readonly size: number;
}

/** Sorts files by path, by UTF-16 code unit (the same on every machine, unlike `localeCompare`). */
export function byPathOrder(a: ExtractedFile, b: ExtractedFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Writes the entries of a blueprint archive into `root`, enforcing Cloudify's layout while it
 * streams: exactly one top-level directory whose *contents* land in `root`, only files and
 * directories (no links, devices or FIFOs), no two entries at one path. Nothing it writes can leave
 * `root`: names are checked by `parseEntryPath`, and no link is ever created to be followed later.
 * `add` may be called for several entries at once; its checks run synchronously, before any I/O.
 */
export class BlueprintTreeWriter {
  private topLevel: string | undefined;
  private readonly files = new Map<string, number>();

  constructor(
    private readonly root: string,
    private readonly budget: ExtractionBudget,
    private readonly signal: AbortSignal,
  ) {}

  readonly add = async (entry: ArchiveEntry): Promise<void> => {
    this.budget.countEntry();
    this.checkKind(entry);
    const segments = parseEntryPath(entry.name);
    if (segments.length === 0) {
      if (entry.kind === 'directory') return; // "./" — the archive root itself
      throw new ArchiveRejectedError(`Blueprint archive entry ${quoteName(entry.name)} has no name`);
    }
    const [top, ...inside] = segments;
    if (this.topLevel === undefined) this.topLevel = top;
    if (top !== this.topLevel || (inside.length === 0 && entry.kind !== 'directory')) {
      throw new ArchiveRejectedError(EXACTLY_ONE_DIRECTORY_MESSAGE);
    }
    if (inside.length === 0) return;

    const relative = inside.join('/');
    if (entry.kind === 'directory') {
      await this.makeDirectory(inside, entry.name);
      return;
    }
    if (this.files.has(relative)) {
      throw new ArchiveRejectedError(`Blueprint archive has more than one entry for ${quoteName(entry.name)}`);
    }
    this.files.set(relative, 0);
    this.budget.declare(entry.declaredSize);
    await this.makeDirectory(inside.slice(0, -1), entry.name);
    const output = createWriteStream(this.resolve(inside), { flags: 'wx', mode: 0o644 });
    try {
      await pipeline(await entry.openContent(), output, { signal: this.signal });
    } catch (error) {
      throw asConflict(error, entry.name);
    }
    this.files.set(relative, output.bytesWritten);
  };

  /** The files written, sorted by path; refuses an archive that held nothing at all. */
  finish(): ExtractedFile[] {
    if (this.topLevel === undefined) {
      throw new ArchiveRejectedError(`${EXACTLY_ONE_DIRECTORY_MESSAGE} (the archive is empty)`);
    }
    return [...this.files]
      .map(([path, size]) => ({ path, size }))
      .sort(byPathOrder);
  }

  private checkKind(entry: ArchiveEntry): void {
    const reject = (why: string): never => {
      throw new ArchiveRejectedError(`Blueprint archive entry ${quoteName(entry.name)} ${why}`);
    };
    switch (entry.kind) {
      case 'file':
      case 'directory':
        return;
      case 'symlink':
        return reject('is a symbolic link; links are not allowed');
      case 'hardlink':
        return reject('is a hard link; links are not allowed');
      case 'special':
        return reject(`is a ${entry.typeName}; only files and directories are allowed`);
      case 'unsupported':
        return reject(`has the unsupported type ${entry.typeName}; only files and directories are allowed`);
    }
  }

  private async makeDirectory(segments: readonly string[], entryName: string): Promise<void> {
    if (segments.length === 0) return;
    try {
      await mkdir(this.resolve(segments), { recursive: true, mode: 0o755 });
    } catch (error) {
      throw asConflict(error, entryName);
    }
  }

  private resolve(segments: readonly string[]): string {
    const target = join(this.root, ...segments);
    // parseEntryPath already refused "..", so this cannot fail; it guards against future edits.
    if (!target.startsWith(this.root + sep)) throw new Error(`entry path escaped the extraction folder: ${target}`);
    return target;
  }
}

/** File-system refusals caused by the archive's own layout become archive rejections. */
function asConflict(error: unknown, entryName: string): unknown {
  const code = errnoCode(error);
  if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
    return new ArchiveRejectedError(`Blueprint archive entry ${quoteName(entryName)} conflicts with another entry`, { cause: error });
  }
  if (code === 'ENAMETOOLONG') {
    return new ArchiveRejectedError(`Blueprint archive entry ${quoteName(entryName)} has a name that is too long`, { cause: error });
  }
  return error;
}
