import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BadParametersError } from '@cfy/contracts';
import { PayloadTooLargeError } from '../errors';
import { gzip, tar, zip } from '../testing/archives';
import { ArchiveIntake, UNRECOGNIZED_FORMAT_MESSAGE, archiveExtension } from './archive-intake';

describe('archiveExtension', () => {
  const oneFile = [{ name: 'bp/blueprint.yaml', content: 'x' }];

  it.each([
    ['tar', tar(oneFile)],
    ['tar.gz', gzip(tar(oneFile))],
    ['zip', zip(oneFile)],
    ['zip', zip([])],
    ['tar.bz2', Buffer.from('BZh91AY&SY')],
  ])('recognises %s from content', (expected, data) => {
    expect(archiveExtension(data.subarray(0, 512))).toBe(expected);
  });

  it.each([
    ['YAML text', Buffer.from('tosca_definitions_version: cloudify_dsl_1_3\n')],
    ['an empty tar (zero blocks only)', Buffer.alloc(1024)],
    ['BZh with a bad block size', Buffer.from('BZh0')],
    ['nothing', Buffer.alloc(0)],
  ])('does not recognise %s', (_what, data) => {
    expect(archiveExtension(data)).toBeUndefined();
  });
});

describe('ArchiveIntake', () => {
  it('passes every byte through and names the format', async () => {
    const data = gzip(tar([{ name: 'bp/blueprint.yaml', content: 'y'.repeat(100_000) }]));
    const intake = new ArchiveIntake(1 << 20);
    Readable.from([data.subarray(0, 10), data.subarray(10)]).pipe(intake);
    await expect(intake.extension()).resolves.toBe('tar.gz');
    expect((await buffer(intake)).equals(data)).toBe(true);
    expect(intake.bytes).toBe(data.length);
  });

  it('refuses an empty body and an unknown format before anything is sent on', async () => {
    const empty = new ArchiveIntake(100);
    Readable.from([]).pipe(empty);
    await expect(empty.extension()).rejects.toThrow(new BadParametersError('Blueprint archive is empty'));

    const garbage = new ArchiveIntake(100);
    Readable.from([Buffer.from('garbage')]).pipe(garbage);
    await expect(garbage.extension()).rejects.toThrow(new BadParametersError(UNRECOGNIZED_FORMAT_MESSAGE));
  });

  it('fails with payload_too_large_error past the limit', async () => {
    const intake = new ArchiveIntake(1000);
    Readable.from([Buffer.alloc(600), Buffer.alloc(600)]).pipe(intake);
    await expect(buffer(intake)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('fails the format question when the stream is destroyed first', async () => {
    const intake = new ArchiveIntake(1000);
    intake.destroy(new Error('client gone'));
    await expect(intake.extension()).rejects.toThrow('client gone');
  });
});
