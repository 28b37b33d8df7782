import { connect } from 'amqplib';
import {
  resolveEndpoint,
  type ServiceEndpoint,
} from './endpoints';
import { startElasticsearchContainer, startInfluxDbContainer, startRabbitMqContainer } from './containers';
import { isolationToken } from './isolation';

/*
 * Per-test-file fixtures. Call one at the top of a describe block: it resolves the endpoint in
 * beforeAll, gives names of the file's own, and removes everything with those names in afterAll.
 */

abstract class Fixture {
  private endpoint: ServiceEndpoint | undefined;
  readonly token = isolationToken();

  /** The service URL; only valid inside tests (after beforeAll). */
  get url(): string {
    if (!this.endpoint) throw new Error('fixture used outside a test: call it inside describe() and read it in a test or hook');
    return this.endpoint.url;
  }

  async setUp(start: () => Promise<ServiceEndpoint>): Promise<void> {
    this.endpoint = await start();
  }

  async tearDown(): Promise<void> {
    if (!this.endpoint) return;
    try {
      await this.cleanUp();
    } finally {
      await this.endpoint.stop();
    }
  }

  protected abstract cleanUp(): Promise<void>;
}

export class RabbitMqFixture extends Fixture {
  private readonly names = new Set<string>();

  /** A queue or exchange name of this test file's own (deleted after the file's tests). */
  name(label: string): string {
    const name = `test.${this.token}.${label}`;
    this.names.add(name);
    return name;
  }

  protected async cleanUp(): Promise<void> {
    if (this.names.size === 0) return;
    const connection = await connect(this.url);
    connection.on('error', () => undefined);
    try {
      for (const name of this.names) {
        // A failed delete closes the channel, so each delete gets its own.
        // A channel-level error is also emitted as an 'error' event: listen, or it would crash.
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        await channel.deleteQueue(name).catch(() => undefined);
        const exchangeChannel = await connection.createChannel();
        exchangeChannel.on('error', () => undefined);
        await exchangeChannel.deleteExchange(name).catch(() => undefined);
        await Promise.allSettled([channel.close(), exchangeChannel.close()]);
      }
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}

export class ElasticsearchFixture extends Fixture {
  /** Prefix for every index and template this test file creates, e.g. `t-1a2b3c4d-`. */
  get prefix(): string {
    return `t-${this.token}-`;
  }

  protected async cleanUp(): Promise<void> {
    const indices = await this.json<Array<{ index: string }>>(`/_cat/indices/${this.prefix}*?format=json&expand_wildcards=all`);
    for (const { index } of indices ?? []) await fetch(`${this.url}/${index}`, { method: 'DELETE' });
    const templates = await this.json<{ index_templates: Array<{ name: string }> }>(`/_index_template/${this.prefix}*`);
    for (const { name } of templates?.index_templates ?? []) await fetch(`${this.url}/_index_template/${name}`, { method: 'DELETE' });
  }

  private async json<T>(path: string): Promise<T | undefined> {
    const res = await fetch(`${this.url}${path}`);
    if (!res.ok) return undefined;
    return (await res.json()) as T;
  }
}

export class InfluxDbFixture extends Fixture {
  /** A database of this test file's own (dropped after the file's tests). */
  get database(): string {
    return `test_${this.token}`;
  }

  protected async cleanUp(): Promise<void> {
    const body = new URLSearchParams({ q: `DROP DATABASE "${this.database}"` });
    await fetch(`${this.url}/query`, { method: 'POST', body });
  }
}

function register<F extends Fixture>(fixture: F, start: () => Promise<ServiceEndpoint>): F {
  beforeAll(() => fixture.setUp(start), 240_000);
  afterAll(() => fixture.tearDown(), 60_000);
  return fixture;
}

/** Real RabbitMQ for this test file: AMQP_URL, else a container, else a clear error. */
export function useRabbitMq(): RabbitMqFixture {
  return register(new RabbitMqFixture(), () => resolveEndpoint('amqp', startRabbitMqContainer));
}

/** Real Elasticsearch for this test file, with an index prefix of its own. */
export function useElasticsearch(): ElasticsearchFixture {
  return register(new ElasticsearchFixture(), () => resolveEndpoint('elasticsearch', startElasticsearchContainer));
}

/** Real InfluxDB for this test file, with a database of its own. */
export function useInfluxDb(): InfluxDbFixture {
  return register(new InfluxDbFixture(), () => resolveEndpoint('influxdb', startInfluxDbContainer));
}
