import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

/** One file to put in a zip: its name inside the archive (`/`-separated) and its path on disk. */
export interface ZipSource {
  readonly name: string;
  readonly path: string;
}

/** Unix type and permission bits of every entry: a regular file, rw-r--r--. */
const REGULAR_FILE_0644 = 0o100644;

/**
 * Writes a deflated zip of `files` to `target` with yazl, streaming one file at a time (memory
 * stays flat: yazl keeps only the central directory). Names are stored as UTF-8, modification
 * times are the time of zipping, and yazl switches to zip64 by itself where a zip needs it.
 * @example await writeZip('/res/blueprints/bp/plugins/p.zip', [{ name: 'p/setup.py', path: '/res/…/setup.py' }])
 */
export async function writeZip(target: string, files: readonly ZipSource[]): Promise<void> {
  const zip = new ZipFile();
  const output = new PassThrough();
  // yazl reports errors on the ZipFile and not on its output, and does not listen for errors of
  // the streams it is given: both fail the output, which fails the pipeline below.
  const fail = (error: Error): void => void output.destroy(error);
  zip.on('error', fail);
  // Opened lazily, one at a time as yazl gets to each file, so they can be closed on a failure
  // (yazl has no way to abort a zip it is writing).
  let reading: ReadStream | undefined;
  for (const file of files) {
    zip.addReadStreamLazy(file.name, { mode: REGULAR_FILE_0644 }, (callback) => {
      reading = createReadStream(file.path).on('error', fail);
      callback(null, reading);
    });
  }
  zip.end();
  try {
    await pipeline(zip.outputStream, output, createWriteStream(target, { mode: 0o644 }));
  } catch (error) {
    reading?.destroy();
    throw error;
  }
}
