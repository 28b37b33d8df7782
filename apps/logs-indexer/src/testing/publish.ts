import type { Publisher } from '@cfy/amqp';

/**
 * Publishes `count` bodies from `body(i)` to the default exchange with routing key `queue(i)`,
 * keeping at most `window` publishes waiting for their confirms, and resolves once all are confirmed.
 * @param pace optional wait before publish `i` (a steady stream instead of a burst)
 */
export async function publishMany(
  publisher: Publisher,
  count: number,
  message: (i: number) => { readonly queue: string; readonly body: unknown },
  options: { readonly window?: number; readonly pace?: (i: number) => Promise<void> } = {},
): Promise<void> {
  const window = options.window ?? 2_000;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for (let i = 0; i < count; i += 1) {
    if (failure !== undefined) break;
    if (options.pace) await options.pace(i);
    const { queue, body } = message(i);
    const confirmed: Promise<void> = publisher
      .publish('', queue, body)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(confirmed));
    inFlight.add(confirmed);
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
}
