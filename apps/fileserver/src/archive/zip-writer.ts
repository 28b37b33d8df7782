import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';

/** One file to put in a zip: its name inside the archive (`/`-separated) and its path on disk. */
export interface ZipSource {
  readonly name: string;
  readonly path: string;
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20;
const MADE_BY_UNIX = (3 << 8) | VERSION;
// Bit 3: sizes and CRC follow the data (so nothing is buffered); bit 11: names are UTF-8.
const FLAGS = 0x0808;
const DEFLATE = 8;
const REGULAR_FILE_0644 = (0o100644 << 16) >>> 0;
const MAX_UINT32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;

interface CentralRecord {
  readonly name: Buffer;
  readonly time: number;
  readonly date: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
}

/**
 * Writes a deflated zip of `files` to `target`, streaming each file (memory stays flat). Hand-written
 * because the workspace declares no zip writer (yazl/archiver) for this app; it covers exactly what
 * Cloudify's plugin zips need: regular files, UTF-8 names, no zip64 (callers keep totals < 4 GiB).
 * @example await writeZip('/res/blueprints/bp/plugins/p.zip', [{ name: 'p/setup.py', path: '/res/…/setup.py' }])
 */
export async function writeZip(target: string, files: readonly ZipSource[]): Promise<void> {
  if (files.length > MAX_ENTRIES) throw new RangeError(`a zip without zip64 holds at most ${MAX_ENTRIES} entries`);
  await pipeline(zipChunks(files), createWriteStream(target, { mode: 0o644 }));
}

async function* zipChunks(files: readonly ZipSource[]): AsyncGenerator<Buffer> {
  const records: CentralRecord[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const { time, date } = dosDateTime((await stat(file.path)).mtime);
    const header = localHeader(name, time, date);
    yield header;

    let crc = 0;
    let size = 0;
    let compressedSize = 0;
    const deflate = createDeflateRaw();
    const feeding = pipeline(
      createReadStream(file.path),
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          crc = crc32(chunk, crc);
          size += chunk.length;
          callback(null, chunk);
        },
      }),
      deflate,
    );
    // A read error also fails the loop below (pipeline destroys `deflate`); it is reported there.
    feeding.catch(() => undefined);
    for await (const chunk of deflate as AsyncIterable<Buffer>) {
      compressedSize += chunk.length;
      yield chunk;
    }
    await feeding;

    yield dataDescriptor(crc, compressedSize, size);
    records.push({ name, time, date, crc, compressedSize, size, offset });
    offset += header.length + compressedSize + 16;
    if (offset > MAX_UINT32) throw new RangeError('zip would exceed 4 GiB, which needs zip64');
  }
  const central = Buffer.concat(records.map(centralHeader));
  yield central;
  yield endOfCentralDirectory(records.length, central.length, offset);
}

function localHeader(name: Buffer, time: number, date: number): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(DEFLATE, 8);
  header.writeUInt16LE(time, 10);
  header.writeUInt16LE(date, 12);
  // CRC and sizes (14..25) stay zero: they follow in the data descriptor.
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, name]);
}

function dataDescriptor(crc: number, compressedSize: number, size: number): Buffer {
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
  descriptor.writeUInt32LE(crc >>> 0, 4);
  descriptor.writeUInt32LE(compressedSize, 8);
  descriptor.writeUInt32LE(size, 12);
  return descriptor;
}

function centralHeader(record: CentralRecord): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(CENTRAL_HEADER, 0);
  header.writeUInt16LE(MADE_BY_UNIX, 4);
  header.writeUInt16LE(VERSION, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(DEFLATE, 10);
  header.writeUInt16LE(record.time, 12);
  header.writeUInt16LE(record.date, 14);
  header.writeUInt32LE(record.crc >>> 0, 16);
  header.writeUInt32LE(record.compressedSize, 20);
  header.writeUInt32LE(record.size, 24);
  header.writeUInt16LE(record.name.length, 28);
  // extra length, comment length, disk number, internal attributes: zero
  header.writeUInt32LE(REGULAR_FILE_0644, 38);
  header.writeUInt32LE(record.offset, 42);
  return Buffer.concat([header, record.name]);
}

function endOfCentralDirectory(entries: number, centralSize: number, centralOffset: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries, 8);
  end.writeUInt16LE(entries, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);
  return end;
}

/** MS-DOS time and date fields (local time, 2-second resolution, years 1980..2107). */
function dosDateTime(when: Date): { time: number; date: number } {
  const year = Math.min(Math.max(when.getFullYear(), 1980), 2107);
  return {
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
  };
}
