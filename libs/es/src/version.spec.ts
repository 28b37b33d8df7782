import { InvalidVersionError, MAX_PRIMARY_TERM, MAX_SEQ_NO, decodeVersion, encodeVersion, versionOf } from './version';

describe('document version encoding', () => {
  it('makes the first write of a fresh index version 1', () => {
    expect(encodeVersion({ seqNo: 0, primaryTerm: 1 })).toBe(1);
  });

  it.each([
    { seqNo: 0, primaryTerm: 1 },
    { seqNo: 1, primaryTerm: 1 },
    { seqNo: 12_345, primaryTerm: 7 },
    { seqNo: 0, primaryTerm: MAX_PRIMARY_TERM },
    { seqNo: MAX_SEQ_NO, primaryTerm: 1 },
    { seqNo: MAX_SEQ_NO, primaryTerm: MAX_PRIMARY_TERM },
  ])('round-trips seq_no $seqNo and primary_term $primaryTerm losslessly', (token) => {
    const version = encodeVersion(token);
    expect(Number.isSafeInteger(version)).toBe(true);
    expect(decodeVersion(version)).toEqual(token);
  });

  it('keeps the largest version within Number.MAX_SAFE_INTEGER', () => {
    expect(encodeVersion({ seqNo: MAX_SEQ_NO, primaryTerm: MAX_PRIMARY_TERM })).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect(MAX_SEQ_NO).toBe(2 ** 37 - 1);
  });

  it('grows with every write, also when a later write has a new primary term', () => {
    const writes = [
      { seqNo: 0, primaryTerm: 1 },
      { seqNo: 1, primaryTerm: 1 },
      { seqNo: 2, primaryTerm: 2 },
      { seqNo: 3, primaryTerm: 2 },
      { seqNo: 4, primaryTerm: 9 },
    ].map(encodeVersion);
    expect([...writes].sort((a, b) => a - b)).toEqual(writes);
    expect(new Set(writes).size).toBe(writes.length);
  });

  it.each([
    { seqNo: -1, primaryTerm: 1 },
    { seqNo: MAX_SEQ_NO + 1, primaryTerm: 1 },
    { seqNo: 1.5, primaryTerm: 1 },
    { seqNo: 0, primaryTerm: 0 },
    { seqNo: 0, primaryTerm: MAX_PRIMARY_TERM + 1 },
  ])('refuses to encode out-of-range seq_no $seqNo / primary_term $primaryTerm', (token) => {
    expect(() => encodeVersion(token)).toThrow(InvalidVersionError);
  });

  it.each([0, -5, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, 65_536])('refuses to decode %p', (version) => {
    expect(() => decodeVersion(version)).toThrow(InvalidVersionError);
  });

  it('reads the version from a response and refuses one without _seq_no', () => {
    expect(versionOf({ _seq_no: 2, _primary_term: 3 })).toBe(2 * 65_536 + 3);
    expect(() => versionOf({ _primary_term: 1 })).toThrow(InvalidVersionError);
  });

  it('marks invalid versions as not retryable', () => {
    expect(new InvalidVersionError('x').retryable).toBe(false);
  });
});
