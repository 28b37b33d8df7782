/*
 * Message headers this lib reads and writes, besides the contracts' dead-letter reason and
 * correlation id headers.
 */

/** How many times a message was handed back for another attempt (absent on the first delivery). */
export const RETRY_COUNT_HEADER = 'x-cfy-retry-count';
/** Exchange the message was first published to (kept across retries and dead-lettering). */
export const ORIGINAL_EXCHANGE_HEADER = 'x-cfy-original-exchange';
/** Routing key the message was first published with (kept across retries and dead-lettering). */
export const ORIGINAL_ROUTING_KEY_HEADER = 'x-cfy-original-routing-key';
/** Per-publish token that ties a basic.return to the publish it answers. */
export const PUBLISH_ID_HEADER = 'x-cfy-publish-id';
