import { ArchiveRejectedError } from '../errors';
import { ExtractionBudget, RATIO_GRACE_BYTES } from './budget';
import { parseEntryPath } from './entry-path';
import { detectArchiveFormat } from './format';

describe('archive format detection', () => {
  const tarHeader = (): Buffer => {
    const block = Buffer.alloc(512);
    block.write('ustar\0', 257, 'latin1');
    return block;
  };

  it.each([
    ['gzip', Buffer.from([0x1f, 0x8b, 8, 0]), 'tar.gz'],
    ['bzip2', Buffer.from('BZh91AY&SY'), 'tar.bz2'],
    ['zip', Buffer.from([0x50, 0x4b, 3, 4, 20]), 'zip'],
    ['empty zip', Buffer.from([0x50, 0x4b, 5, 6, 0]), 'zip'],
    ['ustar', tarHeader(), 'tar'],
  ])('recognises %s from its first bytes', (_label, head, format) => {
    expect(detectArchiveFormat(head)).toBe(format);
  });

  it.each([
    ['nothing', Buffer.alloc(0)],
    ['text', Buffer.from('hello world, this is not an archive')],
    ['BZh without a block size', Buffer.from('BZh0')],
    ['a spanned-zip marker', Buffer.from([0x50, 0x4b, 7, 8])],
    ['a tar block without magic', Buffer.alloc(512, 0x41)],
  ])('recognises nothing in %s', (_label, head) => {
    expect(detectArchiveFormat(head)).toBeUndefined();
  });
});

describe('archive entry paths', () => {
  it.each([
    ['bp/blueprint.yaml', ['bp', 'blueprint.yaml']],
    ['./bp//scripts/./a.sh', ['bp', 'scripts', 'a.sh']],
    ['bp/', ['bp']],
    ['./', []],
    ['bp/..hidden', ['bp', '..hidden']],
  ])('splits %p', (name, segments) => {
    expect(parseEntryPath(name)).toEqual(segments);
  });

  it.each([
    ['../x', 'points outside'],
    ['bp/../../x', 'points outside'],
    ['bp/..', 'points outside'],
    ['/etc/passwd', 'absolute path'],
    ['C:/x', 'drive letter'],
    ['c:x', 'drive letter'],
    ['bp\\x', 'backslash'],
    ['bp/x\0.yaml', 'NUL byte'],
  ])('refuses %p', (name, reason) => {
    expect(() => parseEntryPath(name)).toThrow(ArchiveRejectedError);
    expect(() => parseEntryPath(name)).toThrow(reason);
  });
});

describe('extraction budget', () => {
  const limits = { maxExtractedBytes: 10 * RATIO_GRACE_BYTES, maxEntries: 3, maxCompressionRatio: 10 };

  it('refuses the entry past the limit, not before', () => {
    const budget = new ExtractionBudget(limits, () => 1);
    budget.countEntry();
    budget.countEntry();
    budget.countEntry();
    expect(() => budget.countEntry()).toThrow('more than 3 entries');
  });

  it('refuses declared and produced bytes past the limit', () => {
    expect(() => new ExtractionBudget(limits, () => Infinity).declare(limits.maxExtractedBytes + 1)).toThrow('expands to more than');
    const budget = new ExtractionBudget(limits, () => Infinity);
    budget.produce(limits.maxExtractedBytes);
    expect(() => budget.produce(1)).toThrow('expands to more than');
  });

  it('checks the compression ratio only past the grace amount', () => {
    let compressed = 1;
    const budget = new ExtractionBudget(limits, () => compressed);
    budget.produce(RATIO_GRACE_BYTES);
    expect(budget.bytes).toBe(RATIO_GRACE_BYTES);
    compressed = RATIO_GRACE_BYTES / 5;
    budget.produce(RATIO_GRACE_BYTES);
    compressed = 1000;
    expect(() => budget.produce(1)).toThrow('expands more than 10 times');
  });
});
