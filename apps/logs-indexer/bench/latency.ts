import { setTimeout as sleep } from 'node:timers/promises';
import type { Publisher } from '@cfy/amqp';
import type { EsClient } from '@cfy/es';
import { publishMany } from '../src/testing/publish';
import { syntheticEvent, syntheticKey } from '../src/testing/synthetic';

/*
 * Publish → searchable latency at a fixed rate. Every `sampleEvery`-th event is a sample: its
 * publish time is taken just before publish() is called; a poller searches for the outstanding
 * samples by their key every `pollMs` (a plain search, no forced refresh, so a document counts as
 * searchable only once Elasticsearch's own refresh made it so) and records the time the first
 * search that returns it completed. Resolution: one poll interval plus one search round trip.
 */

export interface LatencyResult {
  readonly samples: number;
  readonly found: number;
  readonly latenciesMs: number[];
  readonly achievedRate: number;
}

export async function measureLatency(options: {
  readonly publisher: Publisher;
  readonly es: EsClient;
  readonly queue: string;
  readonly indexPattern: string;
  readonly runId: string;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly sampleEvery?: number;
  readonly pollMs?: number;
}): Promise<LatencyResult> {
  const sampleEvery = options.sampleEvery ?? 20;
  const pollMs = options.pollMs ?? 100;
  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  const outstanding = new Map<string, number>();
  const latencies: number[] = [];
  let publishing = true;
  let finishedAt = Infinity;

  const poller = (async () => {
    const deadline = () => !publishing && performance.now() > finishedAt + 60_000;
    while (publishing || (outstanding.size > 0 && !deadline())) {
      const keys = [...outstanding.keys()].slice(0, 5_000);
      if (keys.length > 0) {
        const response = await options.es.raw.search({
          index: options.indexPattern,
          size: keys.length,
          query: { terms: { 'context.task_id': keys } },
          _source: false,
          docvalue_fields: ['context.task_id'],
        });
        const seenAt = performance.now();
        for (const hit of response.hits.hits) {
          const key = hit.fields?.['context.task_id'];
          const value = Array.isArray(key) ? String(key[0]) : undefined;
          const publishedAt = value === undefined ? undefined : outstanding.get(value);
          if (value === undefined || publishedAt === undefined) continue;
          latencies.push(seenAt - publishedAt);
          outstanding.delete(value);
        }
      }
      await sleep(pollMs);
    }
  })();

  const started = performance.now();
  await publishMany(
    options.publisher,
    total,
    (i) => {
      const body = syntheticEvent(options.runId, i);
      if (i % sampleEvery === 0) outstanding.set(syntheticKey(options.runId, i), performance.now());
      return { queue: options.queue, body };
    },
    {
      window: 1_000,
      pace: async (i) => {
        const due = started + (i * 1000) / options.ratePerSecond - performance.now();
        if (due > 0) await sleep(due);
      },
    },
  );
  finishedAt = performance.now();
  const achievedRate = total / ((finishedAt - started) / 1000);
  publishing = false;
  await poller;
  return { samples: Math.ceil(total / sampleEvery), found: latencies.length, latenciesMs: latencies, achievedRate };
}
