import type { StreamKind } from './index-names';

/** Counters of one stream (events or logs) since the process started. */
export interface StreamCounters {
  /** Messages whose document Elasticsearch confirmed, then acknowledged. */
  indexed: number;
  /** Messages that parsed as JSON but broke the contract (dead-lettered by the consumer). */
  invalid: number;
  /** Messages Elasticsearch refused for good (mapping conflict, …), dead-lettered with its reason. */
  rejected: number;
  /** Deliveries the broker flagged as redelivered (an earlier consumer died before acking). */
  redelivered: number;
}

/**
 * In-process counters behind `GET /stats`. Plain increments: they run once per message on the hot
 * path, and one process owns them.
 */
export class IndexerStats {
  private readonly counters: Record<StreamKind, StreamCounters> = {
    events: { indexed: 0, invalid: 0, rejected: 0, redelivered: 0 },
    logs: { indexed: 0, invalid: 0, rejected: 0, redelivered: 0 },
  };

  indexed(kind: StreamKind): void {
    this.counters[kind].indexed += 1;
  }

  invalid(kind: StreamKind): void {
    this.counters[kind].invalid += 1;
  }

  rejected(kind: StreamKind): void {
    this.counters[kind].rejected += 1;
  }

  redelivered(kind: StreamKind): void {
    this.counters[kind].redelivered += 1;
  }

  /** A copy, safe to serialise while counting goes on. */
  of(kind: StreamKind): StreamCounters {
    return { ...this.counters[kind] };
  }
}
