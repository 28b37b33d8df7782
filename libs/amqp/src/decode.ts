import { z } from 'zod';
import { truncate } from './retry-policy';

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/**
 * Parses a message body as UTF-8 JSON and validates it against `schema`: the one place where bus
 * input becomes typed. A failure gives the dead-letter reason instead of throwing.
 * @example decodeMessage(Buffer.from('{"id":1}'), z.object({ id: z.number() })) // { ok: true, value: { id: 1 } }
 */
export function decodeMessage<S extends z.ZodType>(content: Buffer, schema: S): DecodeResult<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: truncate(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`) };
  }
  let result;
  try {
    result = schema.safeParse(json);
  } catch (error) {
    // Only async refinements throw here: a schema bug, but still no reason to block the stream.
    return { ok: false, reason: truncate(`schema could not validate: ${error instanceof Error ? error.message : String(error)}`) };
  }
  if (!result.success) return { ok: false, reason: truncate(`schema validation failed: ${z.prettifyError(result.error)}`) };
  return { ok: true, value: result.data };
}
