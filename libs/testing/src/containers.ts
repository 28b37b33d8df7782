import type { ServiceEndpoint } from './endpoints';

/*
 * Container fallbacks for machines that have a Docker engine. testcontainers is imported lazily so
 * that machines without Docker (CI here) never load it. Pinned to 12.0.1: 12.0.2+ pull undici 8 and 12.1+ need Node 22; we run on Node 20.
 */

const IMAGES = {
  amqp: 'rabbitmq:3.13-management',
  elasticsearch: 'docker.elastic.co/elasticsearch/elasticsearch:8.19.1',
  influxdb: 'influxdb:1.11',
} as const;

export async function startRabbitMqContainer(): Promise<ServiceEndpoint> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(IMAGES.amqp)
    .withExposedPorts(5672, 15672)
    .withWaitStrategy(Wait.forLogMessage(/Server startup complete/))
    .start();
  const url = `amqp://guest:guest@${container.getHost()}:${container.getMappedPort(5672)}`;
  return { url, source: 'container', stop: async () => void (await container.stop()) };
}

export async function startElasticsearchContainer(): Promise<ServiceEndpoint> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(IMAGES.elasticsearch)
    .withEnvironment({
      'discovery.type': 'single-node',
      'xpack.security.enabled': 'false',
      ES_JAVA_OPTS: '-Xms512m -Xmx512m',
    })
    .withExposedPorts(9200)
    .withWaitStrategy(Wait.forHttp('/_cluster/health?wait_for_status=yellow', 9200))
    .withStartupTimeout(180_000)
    .start();
  const url = `http://${container.getHost()}:${container.getMappedPort(9200)}`;
  return { url, source: 'container', stop: async () => void (await container.stop()) };
}

export async function startInfluxDbContainer(): Promise<ServiceEndpoint> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(IMAGES.influxdb)
    .withExposedPorts(8086)
    .withWaitStrategy(Wait.forHttp('/ping', 8086).forStatusCode(204))
    .start();
  const url = `http://${container.getHost()}:${container.getMappedPort(8086)}`;
  return { url, source: 'container', stop: async () => void (await container.stop()) };
}
