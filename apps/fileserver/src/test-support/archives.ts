// Builders for test archives, including broken and hostile ones no well-behaved tool would write.
import { execFileSync, spawnSync } from 'node:child_process';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';

export interface TarTestEntry {
  readonly name: string;
  readonly type?: HeaderData['type'];
  readonly content?: string | Buffer;
  /** Size written in the header when it should differ from the content (bombs, truncation). */
  readonly declaredSize?: number;
  readonly linkpath?: string;
}

/** A ustar archive built header by header, so names and types are exactly as given. */
export function tarBytes(entries: readonly TarTestEntry[], options: { terminate?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = Buffer.from(entry.content ?? '');
    const type = entry.type ?? 'File';
    const header = new Header({
      path: entry.name,
      type,
      size: entry.declaredSize ?? content.length,
      mode: type === 'Directory' ? 0o755 : 0o644,
      mtime: new Date('2024-01-01T00:00:00Z'),
      uid: 0,
      gid: 0,
      linkpath: entry.linkpath,
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  if (options.terminate ?? true) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export const gzip = (data: Buffer): Buffer => gzipSync(data);

export const hasCli = (command: string): boolean => spawnSync('which', [command]).status === 0;

/**
 * bzip2 through the system CLI (Node has no bzip2 encoder). `level` is the block size in 100 kB
 * (1..9): a low level makes many blocks of little data, and keeps each decoded block small.
 */
export const bzip2 = (data: Buffer, level = 9): Buffer => execFileSync('bzip2', [`-${level}`, '-c'], { input: data, maxBuffer: 256 * 1024 * 1024 });

export interface ZipTestEntry {
  readonly name: string | Buffer;
  readonly content?: string | Buffer;
  /** Unix mode in the external attributes (e.g. 0o120777 for a symlink); made-by is Unix when set. */
  readonly unixMode?: number;
  /** Uncompressed size written in the headers when it should differ from the content. */
  readonly declaredSize?: number;
  readonly deflate?: boolean;
}

/** A zip archive built byte by byte (no data descriptors), so every header field is as given. */
export function zipBytes(entries: readonly ZipTestEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.isBuffer(entry.name) ? entry.name : Buffer.from(entry.name, 'utf8');
    const content = Buffer.from(entry.content ?? '');
    const data = entry.deflate ? deflateRawSync(content) : content;
    const crc = crc32(content) >>> 0;
    const size = entry.declaredSize ?? content.length;
    const method = entry.deflate ? 8 : 0;

    // The local and the central header share these fields, the central one 2 bytes further on.
    const shared = { method, crc, compressedSize: data.length, size, nameLength: name.length };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeSharedZipFields(local, 4, shared);
    locals.push(local, name, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(entry.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
    writeSharedZipFields(central, 6, shared);
    central.writeUInt32LE(entry.unixMode === undefined ? 0 : (entry.unixMode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * Version needed (2.0), flags (UTF-8 names), method, time and date (zero), CRC, sizes and name
 * length: the run of fields a local and a central zip header have in common.
 */
function writeSharedZipFields(
  header: Buffer,
  at: number,
  fields: { method: number; crc: number; compressedSize: number; size: number; nameLength: number },
): void {
  header.writeUInt16LE(20, at);
  header.writeUInt16LE(0x0800, at + 2);
  header.writeUInt16LE(fields.method, at + 4);
  header.writeUInt32LE(fields.crc, at + 10);
  header.writeUInt32LE(fields.compressedSize, at + 14);
  header.writeUInt32LE(fields.size, at + 18);
  header.writeUInt16LE(fields.nameLength, at + 22);
}
