import { dailyIndexDay, dailyIndexName } from './index-names';

describe('daily index names', () => {
  it('takes the UTC day of @timestamp and keeps events and logs apart', () => {
    expect(dailyIndexName('', 'events', '2016-08-02T23:59:59.999Z')).toBe('cloudify-events-2016.08.02');
    expect(dailyIndexName('t-1-', 'logs', '2016-08-03T00:00:00.000Z')).toBe('t-1-cloudify-logs-2016.08.03');
  });

  it('reads the day back from a name it made', () => {
    expect(dailyIndexDay('p-', 'events', 'p-cloudify-events-2016.08.02')).toBe(Date.UTC(2016, 7, 2));
  });

  it.each([
    ['another stream', 'p-cloudify-logs-2016.08.02'],
    ['another prefix', 'q-cloudify-events-2016.08.02'],
    ['no prefix where one is configured', 'cloudify-events-2016.08.02'],
    ['a suffix after the day', 'p-cloudify-events-2016.08.02-restored'],
    ['an impossible day', 'p-cloudify-events-2016.02.31'],
    ['a dash-separated day', 'p-cloudify-events-2016-08-02'],
  ])('ignores %s', (_label, name) => {
    expect(dailyIndexDay('p-', 'events', name)).toBeUndefined();
  });
});
