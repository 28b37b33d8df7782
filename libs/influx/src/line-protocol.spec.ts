import { LineProtocolError } from './errors';
import { encodePoint, formatFieldValue, formatTimestamp, type Point } from './line-protocol';

const line = (point: Point) => encodePoint(point, 'ms');

describe('line protocol escaping', () => {
  it.each<[string, Point, string]>([
    ['plain names', { measurement: 'cpu', tags: { host: 'vm1' }, fields: { v: 1 } }, 'cpu,host=vm1 v=1'],
    ['a comma in the measurement', { measurement: 'cpu,total', fields: { v: 1 } }, 'cpu\\,total v=1'],
    ['a space in the measurement', { measurement: 'cpu total', fields: { v: 1 } }, 'cpu\\ total v=1'],
    ['an equals sign in the measurement (literal there)', { measurement: 'a=b', fields: { v: 1 } }, 'a=b v=1'],
    ['dots in a Cloudify series name', { measurement: 'dep1.vm.vm_ab12cd.cpu_total_user', fields: { value: 1 } }, 'dep1.vm.vm_ab12cd.cpu_total_user value=1'],
    ['a comma in a tag value', { measurement: 'm', tags: { t: 'a,b' }, fields: { v: 1 } }, 'm,t=a\\,b v=1'],
    ['a space in a tag value', { measurement: 'm', tags: { t: 'a b' }, fields: { v: 1 } }, 'm,t=a\\ b v=1'],
    ['an equals sign in a tag value', { measurement: 'm', tags: { t: 'a=b' }, fields: { v: 1 } }, 'm,t=a\\=b v=1'],
    ['all three in a tag key', { measurement: 'm', tags: { 'k ,=': 'x' }, fields: { v: 1 } }, 'm,k\\ \\,\\==x v=1'],
    ['all three in a field key', { measurement: 'm', fields: { 'f ,=': 1 } }, 'm f\\ \\,\\==1'],
    ['double quotes in names (literal)', { measurement: '"m"', tags: { '"k"': '"v"' }, fields: { '"f"': 1 } }, '"m","k"="v" "f"=1'],
    ['a backslash inside names (verbatim)', { measurement: 'a\\b', tags: { 'c\\d': 'C:\\x' }, fields: { 'e\\f': 1 } }, 'a\\b,c\\d=C:\\x e\\f=1'],
    ['two backslashes inside a tag value', { measurement: 'm', tags: { t: 'a\\\\b' }, fields: { v: 1 } }, 'm,t=a\\\\b v=1'],
    ['unicode and tabs', { measurement: 'mé', tags: { t: 'ü\tß' }, fields: { v: 1 } }, 'mé,t=ü\tß v=1'],
    ['a double quote in a string field', { measurement: 'm', fields: { s: 'say "hi"' } }, 'm s="say \\"hi\\""'],
    ['a backslash in a string field', { measurement: 'm', fields: { s: 'C:\\dir\\' } }, 'm s="C:\\\\dir\\\\"'],
    ['a line break in a string field (kept)', { measurement: 'm', fields: { s: 'a\nb' } }, 'm s="a\nb"'],
    ['commas, spaces and equals in a string field (no escaping)', { measurement: 'm', fields: { s: 'a, b=c' } }, 'm s="a, b=c"'],
    ['an empty string field', { measurement: 'm', fields: { s: '' } }, 'm s=""'],
  ])('escapes %s', (_label, point, expected) => {
    expect(line(point)).toBe(expected);
  });

  it('sorts tags by key and leaves out empty and undefined tag values', () => {
    expect(line({ measurement: 'm', tags: { z: '1', a: '2', e: '', u: undefined, m: '3' }, fields: { v: 1 } })).toBe('m,a=2,m=3,z=1 v=1');
  });

  it('keeps field order and skips undefined fields', () => {
    expect(line({ measurement: 'm', fields: { b: 1, skip: undefined, a: true } })).toBe('m b=1,a=true');
  });

  it.each<[string, Point, RegExp]>([
    ['a trailing backslash in a tag value', { measurement: 'm', tags: { t: 'C:\\' }, fields: { v: 1 } }, /backslash/],
    ['a backslash before a comma in a tag value', { measurement: 'm', tags: { t: 'a\\,b' }, fields: { v: 1 } }, /backslash/],
    ['a backslash before a space in the measurement', { measurement: 'a\\ b', fields: { v: 1 } }, /backslash/],
    ['a backslash before an equals sign in a field key', { measurement: 'm', fields: { 'a\\=b': 1 } }, /backslash/],
    ['a line break in a tag value', { measurement: 'm', tags: { t: 'a\nb' }, fields: { v: 1 } }, /line break/],
    ['a carriage return in the measurement', { measurement: 'm\r', fields: { v: 1 } }, /line break/],
    ['a line break in a field key', { measurement: 'm', fields: { 'a\nb': 1 } }, /line break/],
    ['an empty measurement', { measurement: '', fields: { v: 1 } }, /empty measurement/],
    ['an empty tag key', { measurement: 'm', tags: { '': 'x' }, fields: { v: 1 } }, /empty tag key/],
    ['an empty field key', { measurement: 'm', fields: { '': 1 } }, /empty field key/],
    ['a measurement starting with #', { measurement: '#m', fields: { v: 1 } }, /comment/],
    ['a field named time', { measurement: 'm', fields: { time: 1 } }, /reserved/],
    ['a tag named time', { measurement: 'm', tags: { time: 'x' }, fields: { v: 1 } }, /reserved/],
    ['no fields', { measurement: 'm', tags: { t: 'x' }, fields: {} }, /no fields/],
    ['only undefined fields', { measurement: 'm', fields: { a: undefined } }, /no fields/],
    ['a NaN field', { measurement: 'm', fields: { v: Number.NaN } }, /NaN/],
    ['an Infinity field', { measurement: 'm', fields: { v: Number.POSITIVE_INFINITY } }, /Infinity/],
    ['a -Infinity field', { measurement: 'm', fields: { v: Number.NEGATIVE_INFINITY } }, /-Infinity/],
  ])('refuses %s with a LineProtocolError', (_label, point, message) => {
    let thrown: unknown;
    try {
      line(point);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LineProtocolError);
    expect((thrown as LineProtocolError).message).toMatch(message);
    expect((thrown as LineProtocolError).retryable).toBe(false);
    expect((thrown as LineProtocolError).measurement).toBe(point.measurement);
  });
});

describe('field value formatting', () => {
  it.each<[string, number | bigint | boolean, string]>([
    ['an integral number as a float (no i suffix)', 12, '12'],
    ['a fraction', 12.5, '12.5'],
    ['a negative fraction', -0.25, '-0.25'],
    ['negative zero as 0', -0, '0'],
    ['a large float in exponent form', 1e21, '1e+21'],
    ['a tiny float in exponent form', 1e-7, '1e-7'],
    ['the largest double', Number.MAX_VALUE, '1.7976931348623157e+308'],
    ['a float with 17 significant digits unchanged', 0.1 + 0.2, '0.30000000000000004'],
    ['a bigint as an integer', 42n, '42i'],
    ['a negative bigint', -7n, '-7i'],
    ['the largest int64', 2n ** 63n - 1n, '9223372036854775807i'],
    ['the smallest int64', -(2n ** 63n), '-9223372036854775808i'],
    ['true', true, 'true'],
    ['false', false, 'false'],
  ])('writes %s', (_label, value, expected) => {
    expect(formatFieldValue('f', value)).toBe(expected);
  });

  it.each([null, {}, Symbol('s')])('refuses a field of unsupported runtime type %p', (value) => {
    expect(() => formatFieldValue('f', value as unknown as number)).toThrow(/unsupported type/);
  });

  it.each([2n ** 63n, -(2n ** 63n) - 1n])('refuses the out-of-int64 integer %s', (value) => {
    expect(() => formatFieldValue('f', value)).toThrow(LineProtocolError);
  });
});

describe('timestamps', () => {
  const instant = new Date('2016-08-02T11:39:24.123Z');

  it.each([
    ['ns', '1470137964123000000'],
    ['us', '1470137964123000'],
    ['ms', '1470137964123'],
    ['s', '1470137964'],
  ] as const)('converts a Date to %s', (precision, expected) => {
    expect(formatTimestamp(instant, precision)).toBe(expected);
  });

  it('truncates a pre-1970 Date towards the past in seconds', () => {
    expect(formatTimestamp(new Date(-1500), 's')).toBe('-2');
  });

  it('writes numbers and bigints as given, in the precision unit', () => {
    expect(formatTimestamp(1470137964, 's')).toBe('1470137964');
    expect(formatTimestamp(1470137964123456789n, 'ns')).toBe('1470137964123456789');
  });

  it.each<[string, Date | number]>([
    ['an invalid Date', new Date('nope')],
    ['a fractional number', 1.5],
    ['an unsafe integer', 2 ** 60],
  ])('refuses %s', (_label, timestamp) => {
    expect(() => formatTimestamp(timestamp, 'ms')).toThrow(LineProtocolError);
  });

  it('appends the timestamp after the fields', () => {
    expect(encodePoint({ measurement: 'm', fields: { v: 1 }, timestamp: instant }, 's')).toBe('m v=1 1470137964');
  });
});
