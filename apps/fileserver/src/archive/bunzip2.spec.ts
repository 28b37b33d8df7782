import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ArchiveRejectedError } from '../errors';
import { bzip2, hasCli } from '../test-support/archives';
import { waitUntilClosed } from '../test-support/open-files';
import { Bunzip2FileStream } from './bunzip2';

const MIB = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// Node has no bzip2 encoder: the test data comes from the bzip2 CLI.
(hasCli('bzip2') ? describe : describe.skip)('Bunzip2FileStream (bzip2 on a worker thread)', () => {
  let dir: string;
  let zeros: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cfy-bunzip2-'));
    zeros = join(dir, 'zeros.bz2');
    await writeFile(zeros, bzip2(Buffer.alloc(32 * MIB)));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const file = async (name: string, content: Buffer): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };

  it('decodes several blocks and concatenated streams to the exact bytes, reporting how far into the file it got', async () => {
    const first = randomBytes(250_000);
    const second = Buffer.from('a second bzip2 stream\n'.repeat(20_000));
    // Level 1: blocks of 100 kB, so the first stream has three.
    const compressed = Buffer.concat([bzip2(first, 1), bzip2(second, 1)]);
    const path = await file('two-streams.bz2', compressed);
    let announced = 0;
    const consumed: number[] = [];
    const decoded = await readAll(
      new Bunzip2FileStream(path, (bytes, compressedBytes) => {
        announced += bytes;
        consumed.push(compressedBytes);
      }),
    );
    expect(decoded.equals(Buffer.concat([first, second]))).toBe(true);
    expect(announced).toBe(decoded.length);
    expect(consumed).toEqual([...consumed].sort((a, b) => a - b));
    expect(consumed.at(-1)).toBeLessThanOrEqual(compressed.length);
    expect(consumed.at(-1)).toBeGreaterThan(compressed.length - 64);
    expect(await waitUntilClosed(path)).toBe(true);
  });

  it.each([
    ['truncated data', () => bzip2(randomBytes(200_000)).subarray(0, 50_000)],
    ['a bzip2 header followed by garbage', () => Buffer.concat([Buffer.from('BZh9'), randomBytes(30_000)])],
    ['garbage after the end of the last stream', () => Buffer.concat([bzip2(Buffer.from('fine\n')), Buffer.from('trailing bytes')])],
  ])('refuses %s as a corrupt archive, and closes the file', async (_label, build) => {
    const path = await file('broken.bz2', build());
    const failure = readAll(new Bunzip2FileStream(path, () => undefined));
    await expect(failure).rejects.toThrow(ArchiveRejectedError);
    await expect(failure).rejects.toThrow('Blueprint archive is corrupt: the bzip2 data is invalid or truncated');
    expect(await waitUntilClosed(path)).toBe(true);
  });

  it('fails with the read error when the file is missing', async () => {
    await expect(readAll(new Bunzip2FileStream(join(dir, 'missing.bz2'), () => undefined))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops decoding at the first chunk beforeOutput refuses, fails with its error, and closes the file', async () => {
    let calls = 0;
    const stream = new Bunzip2FileStream(zeros, () => {
      calls += 1;
      if (calls === 3) throw new ArchiveRejectedError('over the limit');
    });
    await expect(readAll(stream)).rejects.toThrow('over the limit');
    expect(calls).toBe(3);
    expect(await waitUntilClosed(zeros)).toBe(true);
  });

  it('decodes only a few chunks ahead of a reader that stops reading (a bomb costs no memory)', async () => {
    let decoded = 0;
    const stream = new Bunzip2FileStream(zeros, (bytes) => (decoded += bytes));
    // Listening for 'readable' without reading fills the buffer once, then asks for nothing more.
    stream.on('readable', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // 32 MiB of zeros decode in well under 500 ms; the window allows 4 buffered + 4 in flight.
    expect(decoded).toBeGreaterThan(0);
    expect(decoded).toBeLessThanOrEqual(8 * CHUNK_BYTES);
    stream.destroy();
    expect(await waitUntilClosed(zeros)).toBe(true);
  });
});
