import { connect } from 'amqplib';
import { ElasticsearchFixture, InfluxDbFixture, RabbitMqFixture } from './fixtures';
import { resolveEndpoint } from './endpoints';

const fromEnvOnly = (): Promise<never> => Promise.reject(new Error('integration tests here run against the local stack'));

describe('test fixtures clean up after themselves on the real services', () => {
  it('deletes the queues and exchanges named through a RabbitMQ fixture', async () => {
    const fixture = new RabbitMqFixture();
    await fixture.setUp(() => resolveEndpoint('amqp', fromEnvOnly));
    const queue = fixture.name('q');
    expect(queue).toMatch(new RegExp(`^test\\.${fixture.token}\\.q$`));
    const connection = await connect(fixture.url);
    const channel = await connection.createChannel();
    const channelErrors: unknown[] = [];
    channel.on('error', (error) => channelErrors.push(error));
    await channel.assertExchange(queue, 'direct', { durable: false });
    await channel.assertQueue(queue, { durable: false });
    await fixture.tearDown();
    await expect(channel.checkQueue(queue)).rejects.toThrow(/NOT_FOUND/);
    expect(channelErrors).toHaveLength(1);
    await connection.close().catch(() => undefined);
  });

  it('deletes the indices and templates under an Elasticsearch fixture prefix', async () => {
    const fixture = new ElasticsearchFixture();
    await fixture.setUp(() => resolveEndpoint('elasticsearch', fromEnvOnly));
    const index = `${fixture.prefix}docs`;
    expect((await fetch(`${fixture.url}/${index}`, { method: 'PUT' })).ok).toBe(true);
    const template = await fetch(`${fixture.url}/_index_template/${fixture.prefix}tpl`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ index_patterns: [`${fixture.prefix}tpl-*`] }),
    });
    expect(template.ok).toBe(true);
    await fixture.tearDown();
    expect((await fetch(`${fixture.url}/${index}`, { method: 'HEAD' })).status).toBe(404);
    expect((await fetch(`${fixture.url}/_index_template/${fixture.prefix}tpl`)).status).toBe(404);
  });

  it('drops the database of an InfluxDB fixture', async () => {
    const fixture = new InfluxDbFixture();
    await fixture.setUp(() => resolveEndpoint('influxdb', fromEnvOnly));
    const query = (q: string): Promise<Response> => fetch(`${fixture.url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
    await query(`CREATE DATABASE "${fixture.database}"`);
    const databases = async (): Promise<string> => JSON.stringify(await (await query('SHOW DATABASES')).json());
    expect(await databases()).toContain(fixture.database);
    await fixture.tearDown();
    expect(await databases()).not.toContain(fixture.database);
  });
});
