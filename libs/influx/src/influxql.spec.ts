import { isDurationLiteral, isReadOnlyQuery, quoteIdentifier, quoteString } from './influxql';

describe('InfluxQL quoting', () => {
  it.each([
    ['cloudify', '"cloudify"'],
    ['my "db"', '"my \\"db\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['two\nlines', '"two\\nlines"'],
  ])('quotes the identifier %j', (name, expected) => {
    expect(quoteIdentifier(name)).toBe(expected);
  });

  it.each([
    ["it's", "'it\\'s'"],
    ['C:\\', "'C:\\\\'"],
    ['"double"', "'\"double\"'"],
  ])('quotes the string %j', (value, expected) => {
    expect(quoteString(value)).toBe(expected);
  });
});

describe('read-only query detection', () => {
  it.each([
    'SELECT * FROM cpu',
    '  select mean(value) from cpu group by time(1m)',
    'SHOW DATABASES',
    'SHOW MEASUREMENTS; SELECT count(*) FROM cpu;',
    'EXPLAIN SELECT * FROM cpu',
    `SELECT * FROM cpu WHERE host = 'INTO the void'`,
    'SELECT "into" FROM cpu',
  ])('lets %j go by GET', (query) => {
    expect(isReadOnlyQuery(query)).toBe(true);
  });

  it.each([
    'CREATE DATABASE x',
    'DROP MEASUREMENT cpu',
    'SELECT * INTO cpu_copy FROM cpu',
    'SELECT * FROM cpu; DROP DATABASE x',
    'ALTER RETENTION POLICY r ON d DURATION 1d',
    'DELETE FROM cpu',
    '',
  ])('sends %j by POST', (query) => {
    expect(isReadOnlyQuery(query)).toBe(false);
  });
});

describe('duration literals', () => {
  it.each(['30d', '1h30m', '4w', 'INF', 'inf', '100ms'])('accepts %s', (value) => {
    expect(isDurationLiteral(value)).toBe(true);
  });

  it.each(['', '30', 'd30', '30 d', '1y', '30d; DROP DATABASE x'])('refuses %j', (value) => {
    expect(isDurationLiteral(value)).toBe(false);
  });
});
