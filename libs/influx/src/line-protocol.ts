import { LineProtocolError } from './errors';

/*
 * InfluxDB line protocol: `measurement[,tag=value…] field=value[,…] [timestamp]`.
 *
 * Escaping follows the documented table (measurement: comma, space; tag keys, tag values and field
 * keys: comma, equals sign, space; string field values: double quote, backslash). Backslashes in
 * names are written verbatim, which InfluxDB 1.x stores verbatim. Checked against InfluxDB 1.6:
 * a name that ends in a backslash, or has one right before a character that needs escaping, is
 * parsed differently in each position (rejected, stored without the backslash, or split), and a
 * line break cannot be carried in a name at all. Such names are refused here with a
 * LineProtocolError instead of being silently changed or dropped by the server.
 */

/** A field value. `number` is written as a float, `bigint` as a signed 64-bit integer (`42i`). */
export type FieldValue = number | bigint | boolean | string;

/**
 * One point to write.
 * @example
 * { measurement: 'cpu', tags: { host: 'vm_1' }, fields: { value: 12.5, samples: 3n }, timestamp: new Date() }
 */
export interface Point {
  readonly measurement: string;
  /** Tag values are strings; `undefined` or `''` leaves the tag out (InfluxDB has no empty tags). */
  readonly tags?: Readonly<Record<string, string | undefined>>;
  /** At least one defined field. `undefined` values are left out. */
  readonly fields: Readonly<Record<string, FieldValue | undefined>>;
  /**
   * A Date, or an integer count of `precision` units since the Unix epoch (number or bigint).
   * Absent: InfluxDB stamps the point with its arrival time.
   */
  readonly timestamp?: Date | number | bigint;
}

/** Timestamp precision of written points. */
export type Precision = 'ns' | 'us' | 'ms' | 's';

/**
 * The `precision` / `epoch` query-parameter value InfluxDB 1.x understands for each precision.
 * Microseconds are `u`: 1.6 silently treats an unknown value such as `us` as nanoseconds.
 */
export const PRECISION_PARAM: Readonly<Record<Precision, string>> = { ns: 'ns', us: 'u', ms: 'ms', s: 's' };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NS_PER_UNIT: Readonly<Record<Precision, bigint>> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/** Characters that need a backslash in each kind of name. */
const MEASUREMENT_SPECIALS = /[, ]/g;
const KEY_SPECIALS = /[,= ]/g;
/** A backslash the 1.x parser would read as (part of) an escape, per position; see the note above. */
const AMBIGUOUS_BACKSLASH = /\\(?:[,= ]|$)/;
const LINE_BREAK = /[\r\n]/;

type NameKind = 'measurement' | 'tag key' | 'tag value' | 'field key';

function checkName(kind: NameKind, value: string, measurement: string): void {
  if (value.length === 0) throw new LineProtocolError(`empty ${kind}`, measurement);
  if (LINE_BREAK.test(value)) {
    throw new LineProtocolError(`${kind} ${JSON.stringify(value)} contains a line break, which line protocol cannot carry`, measurement);
  }
  if (AMBIGUOUS_BACKSLASH.test(value)) {
    throw new LineProtocolError(
      `${kind} ${JSON.stringify(value)} has a backslash at its end or before ',', '=' or ' ', which InfluxDB cannot read back unchanged`,
      measurement,
    );
  }
}

/** Escapes a measurement name (commas and spaces). */
export function escapeMeasurement(name: string): string {
  checkName('measurement', name, name);
  if (name.startsWith('#')) {
    throw new LineProtocolError(`measurement ${JSON.stringify(name)} starts with '#', which makes the line a comment`, name);
  }
  return name.replace(MEASUREMENT_SPECIALS, '\\$&');
}

/** Escapes a tag key, tag value or field key (commas, equals signs and spaces). */
export function escapeKey(kind: Exclude<NameKind, 'measurement'>, value: string, measurement = ''): string {
  checkName(kind, value, measurement);
  if (kind !== 'tag value' && value === 'time') {
    throw new LineProtocolError(`${kind} "time" is reserved: InfluxDB drops it`, measurement);
  }
  return value.replace(KEY_SPECIALS, '\\$&');
}

/** Quotes a string field value, escaping backslashes and double quotes. Line breaks are kept. */
export function quoteStringField(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Formats one field value: floats as JavaScript prints them (`12.5`, `1e+21`, `-0` → `0`),
 * bigints as integers with the `i` suffix, booleans as `true`/`false`, strings quoted.
 */
export function formatFieldValue(key: string, value: FieldValue, measurement = ''): string {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) {
        throw new LineProtocolError(`field ${JSON.stringify(key)} is ${value}; InfluxDB stores only finite numbers`, measurement);
      }
      return String(value);
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new LineProtocolError(`field ${JSON.stringify(key)} = ${value} is outside the signed 64-bit range`, measurement);
      }
      return `${value}i`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return quoteStringField(value);
    case 'undefined':
    case 'object':
    case 'function':
    case 'symbol':
      // Reachable from untyped callers (plain JS, loosely parsed JSON): null, objects, symbols.
      throw new LineProtocolError(`field ${JSON.stringify(key)} has unsupported type ${typeof value}`, measurement);
  }
}

/**
 * Formats a timestamp as an integer count of `precision` units. Dates are truncated towards the
 * past to the precision (a Date has millisecond resolution).
 */
export function formatTimestamp(timestamp: Date | number | bigint, precision: Precision, measurement = ''): string {
  if (timestamp instanceof Date) {
    const ms = timestamp.getTime();
    if (Number.isNaN(ms)) throw new LineProtocolError('timestamp is an invalid Date', measurement);
    return String(floorDiv(BigInt(ms) * NS_PER_UNIT.ms, NS_PER_UNIT[precision]));
  }
  if (typeof timestamp === 'number') {
    if (!Number.isSafeInteger(timestamp)) {
      throw new LineProtocolError(`timestamp ${timestamp} is not a safe integer count of ${precision}; pass a bigint or a Date`, measurement);
    }
    return String(timestamp);
  }
  if (timestamp < INT64_MIN || timestamp > INT64_MAX) {
    throw new LineProtocolError(`timestamp ${timestamp} is outside the signed 64-bit range`, measurement);
  }
  return String(timestamp);
}

/** Integer division rounding towards minus infinity (bigint `/` rounds towards zero). */
function floorDiv(dividend: bigint, divisor: bigint): bigint {
  const quotient = dividend / divisor;
  return dividend % divisor < 0n ? quotient - 1n : quotient;
}

/**
 * Encodes one point as a line (no trailing newline). Tags are sorted by key, as InfluxDB
 * recommends. Throws LineProtocolError before anything is sent when the point cannot be written.
 * @example encodePoint({ measurement: 'cpu', tags: { host: 'a b' }, fields: { v: 1.5, n: 2n } }, 'ms')
 *   // → 'cpu,host=a\\ b v=1.5,n=2i'
 */
export function encodePoint(point: Point, precision: Precision): string {
  const { measurement } = point;
  let line = escapeMeasurement(measurement);

  const tags = point.tags ?? {};
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    if (value === undefined || value === '') continue;
    line += `,${escapeKey('tag key', key, measurement)}=${escapeKey('tag value', value, measurement)}`;
  }

  let separator = ' ';
  for (const [key, value] of Object.entries(point.fields)) {
    if (value === undefined) continue;
    line += `${separator}${escapeKey('field key', key, measurement)}=${formatFieldValue(key, value, measurement)}`;
    separator = ',';
  }
  if (separator === ' ') throw new LineProtocolError('point has no fields; InfluxDB needs at least one', measurement);

  if (point.timestamp !== undefined) line += ` ${formatTimestamp(point.timestamp, precision, measurement)}`;
  return line;
}
