import { setTimeout as sleep } from 'node:timers/promises';
import type { EsClient } from '@cfy/es';
import type { Logger } from '@cfy/logging';
import { indexTemplate } from './index-template';
import { STREAM_KINDS } from './index-names';

const FIRST_DELAY_MS = 200;

/**
 * Puts both index templates before any document is indexed (an index auto-created without them
 * would get guessed mappings for the rest of its day). Elasticsearch being away is waited out,
 * with backoff up to `maxDelayMs`, until `signal` aborts (shutdown before it ever came up), in which
 * case it resolves false. A refusal (bad template) rejects: the service cannot work without it.
 */
export async function ensureIndexTemplates(options: {
  readonly es: Pick<EsClient, 'ensureIndexTemplate'>;
  readonly prefix: string;
  readonly refreshInterval: string;
  readonly maxDelayMs: number;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}): Promise<boolean> {
  const { es, prefix, refreshInterval, logger, signal } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return false;
    try {
      for (const kind of STREAM_KINDS) await es.ensureIndexTemplate(indexTemplate(prefix, kind, refreshInterval));
      return true;
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const delayMs = Math.min(options.maxDelayMs, FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 16));
      logger.warn('Elasticsearch not reachable for the index templates; retrying', { attempt, delay_ms: delayMs, error: String(error) });
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        return false;
      }
    }
  }
}

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'retryable' in error && error.retryable === true;
}
