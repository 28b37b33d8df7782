import { connect } from 'amqplib';
import type { EsClient } from '@cfy/es';
import type { FileserverClient } from '../fileserver/fileserver.http';
import type { StatusTarget } from './status';

export interface StatusDependencies {
  readonly es: EsClient;
  readonly fileserver: Pick<FileserverClient, 'checkHealth'>;
  /** Probed with an AMQP handshake when set. */
  readonly amqpUrl?: string | undefined;
  /** Probed with `GET /ping` when set. */
  readonly influxUrl?: string | undefined;
}

/**
 * The services `GET /status` reports, in 3.4's order where they exist here: this service, the
 * broker, InfluxDB, Elasticsearch, and the file server (3.4 served files from nginx, "Webserver").
 * 3.4 units this manager does not have (Celery, Riemann, Logstash, UI) are not listed.
 */
export function statusTargets(deps: StatusDependencies): StatusTarget[] {
  const { amqpUrl, influxUrl } = deps;
  return [
    {
      displayName: 'Manager Rest-Service',
      unit: 'cloudify-restservice.service',
      description: 'Cloudify REST service',
      probe: () => Promise.resolve({ pid: process.pid }),
    },
    {
      displayName: 'RabbitMQ',
      unit: 'cloudify-rabbitmq.service',
      description: 'RabbitMQ message broker',
      ...(amqpUrl === undefined ? {} : { probe: () => probeAmqp(amqpUrl) }),
    },
    {
      displayName: 'InfluxDB',
      unit: 'cloudify-influxdb.service',
      description: 'InfluxDB time series database',
      ...(influxUrl === undefined ? {} : { probe: (signal: AbortSignal) => probeInflux(influxUrl, signal) }),
    },
    {
      displayName: 'Elasticsearch',
      unit: 'elasticsearch.service',
      description: 'Elasticsearch document store',
      probe: async () => {
        if (!(await deps.es.isReady())) throw new Error('Elasticsearch is not ready');
      },
    },
    {
      displayName: 'File Server',
      unit: 'cloudify-fileserver.service',
      description: 'Cloudify file server',
      probe: () => deps.fileserver.checkHealth(),
    },
  ];
}

/** An AMQP handshake (credentials and vhost included), then a clean close. */
async function probeAmqp(url: string): Promise<void> {
  const connection = await connect(url, { timeout: 2_000 });
  connection.on('error', () => undefined);
  await connection.close();
}

async function probeInflux(url: string, signal: AbortSignal): Promise<void> {
  const response = await fetch(new URL('/ping', url), { signal });
  await response.body?.cancel();
  if (response.status !== 204 && response.status !== 200) throw new Error(`InfluxDB /ping answered ${response.status}`);
}
