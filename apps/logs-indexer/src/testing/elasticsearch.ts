import { setTimeout as sleep } from 'node:timers/promises';
import { createEsClient, EsUnavailableError, toEsError, type EsClient } from '@cfy/es';

/*
 * Test-side reads of what the indexer stored, straight from Elasticsearch (never through the
 * indexer or a proxy).
 */

export class IndexInspector {
  readonly es: EsClient;

  constructor(url: string) {
    this.es = createEsClient({ url });
  }

  /**
   * Documents in the indices matching `pattern`, after a refresh (0 when none exist yet). An index
   * created a moment ago answers 503 until its shard started; that is waited out (up to 10 s).
   */
  async count(pattern: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.es.raw.indices.refresh({ index: pattern, allow_no_indices: true, ignore_unavailable: true });
        return await this.es.count(pattern);
      } catch (error) {
        if (!(toEsError(error) instanceof EsUnavailableError) || attempt >= 50) throw error;
        await sleep(200);
      }
    }
  }

  /** Values of `field` held by more than one document (at most 10); empty means no duplicates. */
  async duplicated(pattern: string, field: string): Promise<string[]> {
    const response = await this.es.raw.search({
      index: pattern,
      size: 0,
      // Exact on a single shard: every value with two or more documents comes back.
      aggs: { twice: { terms: { field, min_doc_count: 2, size: 10 } } },
    });
    const aggregate = response.aggregations?.['twice'];
    if (!aggregate || !('buckets' in aggregate) || !Array.isArray(aggregate.buckets)) throw new Error('no terms aggregation in the response');
    return aggregate.buckets.map((bucket: { key: unknown }) => String(bucket.key));
  }

  /** Names of the indices matching `pattern`, sorted. */
  async indices(pattern: string): Promise<string[]> {
    const rows = await this.es.raw.cat.indices({ index: pattern, format: 'json', h: 'index' });
    return rows.flatMap((row) => (typeof row.index === 'string' ? [row.index] : [])).sort();
  }

  async close(): Promise<void> {
    await this.es.close();
  }
}
