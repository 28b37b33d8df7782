import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fromBufferPromise } from 'yauzl';
import { hasCli } from '../test-support/archives';
import { waitUntilClosed } from '../test-support/open-files';
import { writeZip } from './zip-writer';

describe('writeZip', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cfy-zip-writer-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a zip that yauzl reads back entry for entry, with UTF-8 names and Unix file modes', async () => {
    const contents: Record<string, Buffer> = {
      'p/setup.py': Buffer.from('from setuptools import setup\n'),
      'p/empty.txt': Buffer.alloc(0),
      'p/données/ünï.txt': Buffer.from('utf-8 name'),
      'p/random.bin': randomBytes(300_000),
      'p/zeros.bin': Buffer.alloc(500_000),
    };
    const sources = await Promise.all(
      Object.entries(contents).map(async ([name, content], index) => {
        const path = join(dir, `source-${index}`);
        await writeFile(path, content);
        return { name, path };
      }),
    );
    const target = join(dir, 'out.zip');
    await writeZip(target, sources);

    const zip = await fromBufferPromise(await readFile(target), { lazyEntries: true });
    const read: Record<string, Buffer> = {};
    for await (const entry of zip.eachEntry()) {
      expect(entry.externalFileAttributes >>> 16).toBe(0o100644);
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      read[entry.fileName] = Buffer.concat(chunks);
    }
    expect(read).toEqual(contents);
    expect((await readFile(target)).length).toBeLessThan(300_000 + 10_000);

    if (hasCli('unzip')) {
      expect(execFileSync('unzip', ['-t', target]).toString()).toContain('No errors detected');
    }
  });

  it('writes a valid empty zip for an empty folder', async () => {
    const target = join(dir, 'empty.zip');
    await writeZip(target, []);
    const zip = await fromBufferPromise(await readFile(target));
    expect(zip.entryCount).toBe(0);
  });

  it('fails with the read error when a source file is missing', async () => {
    const present = join(dir, 'present.txt');
    await writeFile(present, 'here');
    const sources = [
      { name: 'p/present.txt', path: present },
      { name: 'p/missing.txt', path: join(dir, 'missing.txt') },
    ];
    await expect(writeZip(join(dir, 'broken.zip'), sources)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails with EISDIR when the target is a folder, and leaves the folder alone', async () => {
    const target = join(dir, 'taken.zip');
    await mkdir(target);
    const source = join(dir, 'source.txt');
    await writeFile(source, randomBytes(200_000));
    await expect(writeZip(target, [{ name: 'p/source.txt', path: source }])).rejects.toMatchObject({ code: 'EISDIR' });
    expect((await stat(target)).isDirectory()).toBe(true);
    // The source that was being read is closed, not left open behind the failed zip.
    await expect(waitUntilClosed(source)).resolves.toBe(true);
  });
});

