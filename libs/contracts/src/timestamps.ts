/**
 * Cloudify event/log timestamps: `YYYY-MM-DD HH:MM:SS.mmm+0000` (data-model.md §1), the producer's
 * wall clock in UTC with millisecond precision. The fraction and zone may be missing in old producers.
 */
export const CLOUDIFY_TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/;

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** @example formatEventTimestamp(new Date(0)) → "1970-01-01 00:00:00.000+0000" */
export function formatEventTimestamp(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.` +
    `${pad(date.getUTCMilliseconds(), 3)}+0000`
  );
}

/**
 * Epoch milliseconds of a Cloudify timestamp, or undefined when it does not parse. A missing zone
 * means UTC, which is what 3.x producers meant.
 */
export function parseEventTimestamp(text: string): number | undefined {
  const match = CLOUDIFY_TIMESTAMP_PATTERN.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '0', zone = 'Z'] = match;
  const millis = Math.floor(Number(`0.${fraction}`) * 1000);
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  if (Number.isNaN(utc)) return undefined;
  const check = new Date(utc);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined;
  if (zone === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return utc - sign * offsetMinutes * 60_000;
}

/** ISO-8601 UTC form stored as `@timestamp`, e.g. `2016-08-02T11:39:24.813Z`. */
export function eventTimestampToIso(text: string): string | undefined {
  const millis = parseEventTimestamp(text);
  return millis === undefined ? undefined : new Date(millis).toISOString();
}
