import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bzip2, gzip, hasCli, tarBytes, zipBytes, type TarTestEntry } from './test-support/archives';
import { EMPTY_RESOURCES_TREE, listTree, useTestFileserver } from './test-support/harness';

// The in-process server runs with TEST_LIMITS: 8 MiB extracted, 50 entries, ratio 200.
const MIB = 1024 * 1024;
const YAML = 'tosca_definitions_version: cloudify_dsl_1_3\n';
const okStart: TarTestEntry[] = [{ name: 'bp/', type: 'Directory' }, { name: 'bp/blueprint.yaml', content: YAML }];
const absoluteTarget = join(tmpdir(), `cfy-escaped-${process.pid}.txt`);
const tarGz = (entries: TarTestEntry[]): Buffer => gzip(tarBytes(entries));
const validTar = tarBytes(okStart);

interface HostileCase {
  readonly label: string;
  readonly archive: () => Buffer;
  /** Name under uploaded-blueprints/<id>/ (its extension means nothing to the server). */
  readonly ext: string;
  readonly message: RegExp;
  readonly applicationFileName?: string;
  readonly needs?: string;
}

const CASES: HostileCase[] = [
  { label: 'tar entry climbing out with ../', ext: 'tar', archive: () => tarBytes([...okStart, { name: '../evil.txt', content: 'x' }]), message: /"\.\.\/evil\.txt" points outside the archive/ },
  { label: 'tar entry climbing out from inside (bp/../../)', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/../../evil.txt', content: 'x' }]), message: /points outside the archive/ },
  { label: 'tar entry with an absolute path', ext: 'tar', archive: () => tarBytes([...okStart, { name: absoluteTarget, content: 'x' }]), message: /is an absolute path/ },
  { label: 'tar entry with a drive letter', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'C:/evil.txt', content: 'x' }]), message: /starts with a drive letter/ },
  { label: 'tar entry with backslashes', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp\\..\\..\\evil.txt', content: 'x' }]), message: /contains a backslash/ },
  { label: 'tar symlink pointing outside', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' }]), message: /"bp\/passwd" is a symbolic link; links are not allowed/ },
  { label: 'tar symlink pointing inside (all links refused)', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/alias.yaml', type: 'SymbolicLink', linkpath: 'blueprint.yaml' }]), message: /is a symbolic link/ },
  {
    label: 'tar symlinked folder followed by a write through it',
    ext: 'tar',
    archive: () => tarBytes([...okStart, { name: 'bp/up', type: 'SymbolicLink', linkpath: '../..' }, { name: 'bp/up/evil.txt', content: 'x' }]),
    message: /"bp\/up" is a symbolic link/,
  },
  { label: 'tar hard link', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/hard', type: 'Link', linkpath: 'bp/blueprint.yaml' }]), message: /"bp\/hard" is a hard link/ },
  { label: 'tar FIFO', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/pipe', type: 'FIFO' }]), message: /"bp\/pipe" is a FIFO; only files and directories/ },
  { label: 'tar character device', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/null', type: 'CharacterDevice' }]), message: /is a character device/ },
  { label: 'tar block device', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/sda', type: 'BlockDevice' }]), message: /is a block device/ },
  { label: 'tar GNU sparse file', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/sparse', type: 'SparseFile' }]), message: /unsupported type SparseFile/ },
  { label: 'tar entry declaring 8 GiB', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/huge.bin', declaredSize: 8 * 1024 * MIB, content: 'x' }], { terminate: false }), message: /expands to more than 8388608 bytes/ },
  { label: 'tar.gz expanding past the size limit', ext: 'tar.gz', archive: () => tarGz([...okStart, { name: 'bp/random.bin', content: randomBytes(9 * MIB) }]), message: /expands to more than 8388608 bytes/ },
  { label: 'tar.gz bomb (highly compressible zeros)', ext: 'tar.gz', archive: () => tarGz([...okStart, { name: 'bp/zeros.bin', content: Buffer.alloc(6 * MIB) }]), message: /expands more than 200 times/ },
  { label: 'plain tar past the size limit', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/random.bin', content: randomBytes(9 * MIB) }]), message: /expands to more than 8388608 bytes/ },
  {
    label: 'too many entries',
    ext: 'tar.gz',
    archive: () => tarGz([...okStart, ...Array.from({ length: 60 }, (_, i) => ({ name: `bp/f${i}.txt`, content: 'x' }))]),
    message: /more than 50 entries/,
  },
  { label: 'garbage bytes', ext: 'tar.gz', archive: () => randomBytes(4096), message: /Blueprint archive is of an unrecognized format\. Supported formats are: \['zip', 'tar', 'tar\.gz', 'tar\.bz2'\]/ },
  { label: 'text named .tar.gz', ext: 'tar.gz', archive: () => Buffer.from('this is not an archive at all\n'.repeat(50)), message: /unrecognized format/ },
  { label: 'an empty file', ext: 'tar.gz', archive: () => Buffer.alloc(0), message: /^Blueprint archive is empty$/ },
  { label: 'an empty tar', ext: 'tar', archive: () => Buffer.alloc(10240), message: /^archive must contain exactly 1 directory \(the archive is empty\)$/ },
  { label: 'an empty tar.gz', ext: 'tar.gz', archive: () => gzip(Buffer.alloc(10240)), message: /exactly 1 directory \(the archive is empty\)/ },
  { label: 'an empty zip', ext: 'zip', archive: () => zipBytes([]), message: /exactly 1 directory \(the archive is empty\)/ },
  { label: 'zip with files but no directory', ext: 'zip', archive: () => zipBytes([{ name: 'blueprint.yaml', content: YAML }]), message: /^archive must contain exactly 1 directory$/ },
  { label: 'tar with two top-level directories', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'other/', type: 'Directory' }]), message: /^archive must contain exactly 1 directory$/ },
  { label: 'tar with a top-level file beside the directory', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'README', content: 'x' }]), message: /^archive must contain exactly 1 directory$/ },
  { label: 'missing blueprint.yaml', ext: 'tar', archive: () => tarBytes([{ name: 'bp/other.yaml', content: YAML }]), message: /^application directory is missing blueprint\.yaml and application_file_name query parameter was not passed$/ },
  { label: 'missing named main file', ext: 'tar', archive: () => validTar, applicationFileName: 'main.yaml', message: /^main\.yaml does not exist in the application directory$/ },
  { label: 'main file that is a directory', ext: 'tar', archive: () => tarBytes([{ name: 'bp/blueprint.yaml/', type: 'Directory' }]), message: /missing blueprint\.yaml/ },
  { label: 'truncated tar.gz', ext: 'tar.gz', archive: () => { const whole = tarGz([...okStart, { name: 'bp/random.bin', content: randomBytes(64 * 1024) }]); return whole.subarray(0, whole.length / 2); }, message: /Blueprint archive is corrupt: unexpected end of file/ },
  { label: 'truncated tar', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/big.txt', declaredSize: 4096, content: 'only a little' }], { terminate: false }), message: /Blueprint archive is corrupt: .*Truncated input/ },
  {
    label: 'tar with a corrupted header checksum',
    ext: 'tar',
    archive: () => { const bytes = Buffer.from(validTar); bytes[512 + 100] = 0x37; return bytes; },
    message: /Blueprint archive is corrupt: .*checksum failure/,
  },
  { label: 'truncated zip', ext: 'zip', archive: () => { const whole = zipBytes([{ name: 'bp/blueprint.yaml', content: YAML }]); return whole.subarray(0, whole.length - 30); }, message: /unrecognized format/ },
  { label: 'bzip2 magic followed by garbage', ext: 'tar.bz2', archive: () => Buffer.concat([Buffer.from('BZh9'), randomBytes(30_000)]), message: /bzip2 data is invalid or truncated/ },
  { label: 'gzip holding plain text', ext: 'tar.gz', archive: () => gzip(Buffer.from('hello\n'.repeat(200))), message: /unrecognized format/ },
  { label: 'gzip inside gzip (never unzipped twice)', ext: 'tar.gz', archive: () => gzip(tarGz(okStart)), message: /unrecognized format/ },
  { label: 'zip entry climbing out', ext: 'zip', archive: () => zipBytes([{ name: 'bp/blueprint.yaml', content: YAML }, { name: '../evil.txt', content: 'x' }]), message: /Blueprint archive is invalid: invalid relative path: \.\.\/evil\.txt/ },
  { label: 'zip entry with an absolute path', ext: 'zip', archive: () => zipBytes([{ name: 'bp/blueprint.yaml', content: YAML }, { name: absoluteTarget, content: 'x' }]), message: /absolute path/ },
  { label: 'zip entry with a NUL byte in its name', ext: 'zip', archive: () => zipBytes([{ name: 'bp/blueprint.yaml', content: YAML }, { name: 'bp/evil\0.txt', content: 'x' }]), message: /contains a NUL byte/ },
  { label: 'zip symlink', ext: 'zip', archive: () => zipBytes([{ name: 'bp/blueprint.yaml', content: YAML }, { name: 'bp/passwd', content: '/etc/passwd', unixMode: 0o120777 }]), message: /"bp\/passwd" is a symbolic link/ },
  { label: 'zip FIFO', ext: 'zip', archive: () => zipBytes([{ name: 'bp/blueprint.yaml', content: YAML }, { name: 'bp/pipe', unixMode: 0o010644 }]), message: /is a FIFO/ },
  { label: 'zip entry declaring 4 GiB', ext: 'zip', archive: () => zipBytes([{ name: 'bp/blueprint.yaml', content: YAML }, { name: 'bp/huge.bin', content: 'x', declaredSize: 0xffff_fffe, deflate: true }]), message: /expands to more than 8388608 bytes/ },
  {
    label: 'zip entry inflating past its declared size',
    ext: 'zip',
    archive: () => zipBytes([{ name: 'bp/blueprint.yaml', content: YAML }, { name: 'bp/zeros.bin', content: Buffer.alloc(4 * MIB), declaredSize: 100, deflate: true }]),
    message: /Blueprint archive is invalid: too many bytes in the stream/,
  },
  { label: 'zip bomb (deflated zeros)', ext: 'zip', archive: () => zipBytes([{ name: 'bp/blueprint.yaml', content: YAML }, { name: 'bp/zeros.bin', content: Buffer.alloc(6 * MIB), deflate: true }]), message: /expands more than 200 times/ },
  { label: 'two entries at one path', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/blueprint.yaml', content: 'again' }]), message: /more than one entry for "bp\/blueprint\.yaml"/ },
  { label: 'a folder where a file was', ext: 'tar', archive: () => tarBytes([...okStart, { name: 'bp/blueprint.yaml/x', content: 'x' }]), message: /conflicts with another entry/ },
  {
    label: 'truncated tar.bz2',
    ext: 'tar.bz2',
    needs: 'bzip2',
    archive: () => { const whole = bzip2(tarBytes([...okStart, { name: 'bp/random.bin', content: randomBytes(300_000) }]), 1); return whole.subarray(0, whole.length / 2); },
    message: /Blueprint archive is corrupt: the bzip2 data is invalid or truncated/,
  },
  { label: 'bzip2 holding plain text', ext: 'tar.bz2', needs: 'bzip2', archive: () => bzip2(Buffer.from('hello\n'.repeat(200))), message: /unrecognized format/ },
  { label: 'tar.bz2 bomb', ext: 'tar.bz2', needs: 'bzip2', archive: () => bzip2(tarBytes([...okStart, { name: 'bp/zeros.bin', content: Buffer.alloc(64 * MIB) }]), 1), message: /expands (more than 200 times|to more than)/ },
];

describe('hostile and broken blueprint archives', () => {
  const fs = useTestFileserver();

  it('covers at least 20 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES.map((c, index) => [c.label, c, index] as const))('refuses %s with a clear 400 and leaves nothing behind', async (_label, testCase, index) => {
    if (testCase.needs !== undefined && !hasCli(testCase.needs)) {
      console.warn(`skipping "${testCase.label}": ${testCase.needs} is not installed`);
      return;
    }
    const id = `hostile-${index}`;
    const fileName = `${id}.${testCase.ext}`;
    const upload = await request(fs.app).put(`/_internal/uploaded-blueprints/${id}/${fileName}`).type('application/octet-stream').send(testCase.archive());
    const refusal =
      upload.status === 201
        ? await request(fs.app)
            .post(`/_internal/blueprints/${id}/extract`)
            .send({ archive: fileName, ...(testCase.applicationFileName === undefined ? {} : { applicationFileName: testCase.applicationFileName }) })
        : upload;

    expect(refusal.status).toBe(400);
    expect(refusal.body.error_code).toBe('bad_parameters_error');
    expect(refusal.body.message).toMatch(testCase.message);

    // Nothing of the id, no staging leftovers, nothing written outside the root.
    expect(await listTree(fs.root)).toEqual(EMPTY_RESOURCES_TREE);
    expect((await listTree(fs.outside)).filter((path) => !path.startsWith('resources'))).toEqual([]);
    await expect(access(absoluteTarget)).rejects.toThrow();
    const served = await request(fs.app).get(`/resources/blueprints/${id}/blueprint.yaml`);
    expect(served.status).toBe(404);
  });

  it('still extracts a valid archive after all of the above', async () => {
    await request(fs.app).put('/_internal/uploaded-blueprints/after/after.tar').send(validTar).expect(201);
    const res = await request(fs.app).post('/_internal/blueprints/after/extract').send({ archive: 'after.tar' });
    expect(res.status).toBe(201);
    expect((await request(fs.app).get('/resources/blueprints/after/blueprint.yaml')).text).toBe(YAML);
  });
});
