import { eventTimestampToIso } from '@cfy/contracts';
import { z } from 'zod';
import type { PublishedMessage } from './documents';

/** A message that passed its contract, as the handler needs it. */
export interface ValidatedMessage {
  /** The JSON as published: unknown keys kept (the contract's own output would drop them). */
  readonly published: PublishedMessage;
  /** Its `timestamp` in ISO-8601 UTC: the `@timestamp` to store. */
  readonly isoTimestamp: string;
}

/** What the wrapped contract must at least read: events and logs both carry a timestamp. */
type TimestampedContract = z.ZodType<{ readonly timestamp: string }>;

/**
 * Wraps a contract schema for the consumer: validates with `contract` (the consumer dead-letters a
 * failure with zod's report as the reason) and hands the handler the published JSON, which is what
 * gets stored and hashed, with its ISO timestamp. The contract's own typed copy is dropped at once:
 * it would only double the memory of every message held. `onInvalid` is told about every body
 * that parsed as JSON but broke the contract, for the counters.
 * @example consume({ queue, schema: validatedAgainst(cloudifyEventSchema, () => stats.invalid('events')), handler })
 */
export function validatedAgainst(
  contract: TimestampedContract,
  onInvalid: () => void,
): z.ZodType<ValidatedMessage, unknown> {
  return z.unknown().transform((input, context) => {
    const result = contract.safeParse(input);
    if (!result.success) {
      onInvalid();
      for (const issue of result.error.issues) context.issues.push({ code: 'custom', message: issue.message, path: issue.path, input });
      return z.NEVER;
    }
    const isoTimestamp = isoTimestampOf(result.data.timestamp);
    if (isoTimestamp === undefined) {
      // Only if the contract and the conversion ever disagree; still a reason, never a crash.
      onInvalid();
      context.issues.push({ code: 'custom', message: 'timestamp cannot be converted to ISO-8601', path: ['timestamp'], input });
      return z.NEVER;
    }
    // The contracts are object schemas, so a body that passed is a JSON object.
    return { published: input as PublishedMessage, isoTimestamp };
  });
}

/** `2016-08-02 11:39:24.813+0000`, what every current producer writes. */
const CANONICAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

/**
 * ISO-8601 UTC of a contract-valid timestamp. The canonical UTC form is rearranged as text (the
 * contract already checked that the date exists): this runs for every message, and building a
 * Date costs several times more. Anything else (other zones, no fraction) takes the general path.
 * @example isoTimestampOf('2016-08-02 11:39:24.813+0000') // '2016-08-02T11:39:24.813Z'
 */
export function isoTimestampOf(timestamp: string): string | undefined {
  if (CANONICAL_TIMESTAMP.test(timestamp)) return `${timestamp.slice(0, 10)}T${timestamp.slice(11, 23)}Z`;
  return eventTimestampToIso(timestamp);
}
