import { performance } from 'node:perf_hooks';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * A stored-document timestamp as Cloudify 3.4 writes it (data-model §1): the server's local time
 * `YYYY-MM-DD HH:MM:SS.ffffff`, no zone, the fraction left out when it is exactly zero (Python's
 * `str(datetime.now())`). Being fixed-width up to the fraction, these strings sort chronologically.
 * @param epochMicros microseconds since the epoch; default now (sub-millisecond precision)
 * @example formatDocumentTimestamp(Date.UTC(2016, 7, 2, 11, 39, 24, 813) * 1000) // "2016-08-02 11:39:24.813000" in a UTC zone
 */
export function formatDocumentTimestamp(epochMicros: number = nowMicros()): string {
  const micros = Math.floor(epochMicros);
  const date = new Date(Math.floor(micros / 1000));
  const fraction = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
  const base =
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return fraction === 0 ? base : `${base}.${pad(fraction, 6)}`;
}

/** Microseconds since the epoch from the high-resolution clock. */
export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}
