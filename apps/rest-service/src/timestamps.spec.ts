import { formatDocumentTimestamp, nowMicros } from './timestamps';

describe('formatDocumentTimestamp', () => {
  const local = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number => new Date(y, mo - 1, d, h, mi, s, ms).getTime() * 1000;

  it('renders local time with six fraction digits', () => {
    expect(formatDocumentTimestamp(local(2016, 8, 2, 11, 39, 24, 813) + 5)).toBe('2016-08-02 11:39:24.813005');
  });

  it('leaves the fraction out when it is exactly zero, like Python', () => {
    expect(formatDocumentTimestamp(local(2016, 1, 9, 3, 4, 5, 0))).toBe('2016-01-09 03:04:05');
  });

  it('sorts chronologically as plain strings', () => {
    const times = [local(2016, 1, 1, 0, 0, 0, 0), local(2016, 1, 1, 0, 0, 0, 1), local(2016, 1, 1, 0, 0, 1, 0), local(2017, 1, 1, 0, 0, 0, 0)];
    const rendered = times.map((micros) => formatDocumentTimestamp(micros));
    expect([...rendered].sort()).toEqual(rendered);
  });

  it('defaults to now', () => {
    const before = Date.now();
    const parsed = new Date(formatDocumentTimestamp().replace(' ', 'T')).getTime();
    expect(Math.abs(parsed - before)).toBeLessThan(2_000);
    expect(nowMicros()).toBeGreaterThanOrEqual(before * 1000);
  });
});
