import { z } from 'zod';

/*
 * Field builders for flat environment variables. Env values are strings, so each builder parses
 * text strictly: "8O80" is an error, never NaN, and "yes" is not a boolean.
 */

/** A non-empty string. */
export const envString = (): z.ZodString => z.string().trim().min(1, 'must not be empty');

/** A whole number, optionally bounded. @example envInt({ min: 1 }).default(100) */
export function envInt(bounds: { min?: number; max?: number } = {}): z.ZodType<number, string> {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(bounds.min ?? Number.MIN_SAFE_INTEGER, `must be at least ${bounds.min}`)
        .max(bounds.max ?? Number.MAX_SAFE_INTEGER, `must be at most ${bounds.max}`),
    );
}

/** A TCP port, 1..65535 (0 allowed with `allowEphemeral`, for tests that want any free port). */
export function envPort(options: { allowEphemeral?: boolean } = {}): z.ZodType<number, string> {
  return envInt({ min: options.allowEphemeral ? 0 : 1, max: 65535 });
}

/** A duration in milliseconds; put `_MS` in the variable's name. */
export const envDurationMs = (): z.ZodType<number, string> => envInt({ min: 0 });

/** `true`/`false`/`1`/`0` (case-insensitive). */
export function envBool(): z.ZodType<boolean, string> {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => ['true', 'false', '1', '0'].includes(value), 'must be true or false')
    .transform((value) => value === 'true' || value === '1');
}

/** A URL whose scheme is one of `protocols`. @example envUrl(['amqp', 'amqps']) */
export function envUrl(protocols: readonly string[]): z.ZodType<string, string> {
  return z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    }, `must be a URL with scheme ${protocols.join(' or ')}`);
}

/** One of a fixed set of words. */
export function envEnum<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values);
}

/** A comma-separated list of non-empty items. */
export function envList(): z.ZodType<string[], string> {
  return z
    .string()
    .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));
}
