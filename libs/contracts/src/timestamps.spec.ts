import { eventTimestampToIso, formatEventTimestamp, parseEventTimestamp } from './timestamps';

describe('event timestamps', () => {
  it('formats a date as Cloudify does', () => {
    expect(formatEventTimestamp(new Date(Date.UTC(2016, 7, 2, 11, 39, 24, 813)))).toBe('2016-08-02 11:39:24.813+0000');
  });

  it.each([
    ['2016-08-02 11:39:24.813+0000', '2016-08-02T11:39:24.813Z'],
    ['2016-08-02 11:39:24', '2016-08-02T11:39:24.000Z'],
    ['2016-08-02 13:39:24.5+0200', '2016-08-02T11:39:24.500Z'],
    ['2016-08-02T11:39:24.813123Z', '2016-08-02T11:39:24.813Z'],
    ['2016-08-02 06:39:24.813-05:00', '2016-08-02T11:39:24.813Z'],
  ])('parses %s to %s', (text, iso) => {
    expect(eventTimestampToIso(text)).toBe(iso);
  });

  it.each(['', '2016-13-01 00:00:00', '2016-02-30 00:00:00', 'now', '2016-08-02'])('rejects %p', (text) => {
    expect(parseEventTimestamp(text)).toBeUndefined();
  });

  it('round-trips format and parse', () => {
    const millis = Date.UTC(2024, 0, 31, 23, 59, 59, 7);
    expect(parseEventTimestamp(formatEventTimestamp(new Date(millis)))).toBe(millis);
  });
});
