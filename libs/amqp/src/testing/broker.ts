import { exec } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from '@cfy/testing';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { z } from 'zod';

/*
 * Test-side access to the broker, outside the code under test: a plain amqplib channel to look at
 * queues, the management API to kill one connection, and the restart command.
 */

const run = promisify(exec);

/** A plain connection + channel for inspecting queues. */
export class QueueInspector {
  private constructor(
    private readonly model: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(url: string): Promise<QueueInspector> {
    const model = await connect(url);
    model.on('error', () => undefined);
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    return new QueueInspector(model, channel);
  }

  /** Messages ready in `queue` (not counting unacknowledged ones). */
  async ready(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** Takes (acks) up to `count` messages from `queue`, waiting until they are there. */
  async take(queue: string, count: number, timeoutMs = 30_000): Promise<GetMessage[]> {
    await waitFor(async () => ((await this.ready(queue)) >= count ? true : undefined), { timeoutMs, what: `${count} messages in ${queue}` });
    const messages: GetMessage[] = [];
    for (let i = 0; i < count; i += 1) {
      const message = await this.channel.get(queue, { noAck: true });
      if (message === false) break;
      messages.push(message);
    }
    return messages;
  }

  async close(): Promise<void> {
    await this.model.close().catch(() => undefined);
  }
}

/** True when an AMQP handshake with `url` succeeds now. */
export async function brokerAnswers(url: string): Promise<boolean> {
  try {
    const model = await connect(url, { timeout: 3_000 });
    model.on('error', () => undefined);
    await model.close();
    return true;
  } catch {
    return false;
  }
}

/** Runs RABBITMQ_RESTART_CMD (default: `rabbitmqctl stop_app && rabbitmqctl start_app`). */
export async function restartBroker(): Promise<void> {
  await run(process.env['RABBITMQ_RESTART_CMD'] || 'rabbitmqctl stop_app && rabbitmqctl start_app', { timeout: 180_000 });
}

/**
 * Makes sure the shared broker runs again (colleagues' tests use it): when it does not answer,
 * runs RABBITMQ_START_CMD (default `rabbitmqctl start_app`) and waits for it.
 */
export async function ensureBrokerRunning(url: string): Promise<void> {
  if (await brokerAnswers(url)) return;
  await run(process.env['RABBITMQ_START_CMD'] || 'rabbitmqctl start_app', { timeout: 180_000 }).catch(() => undefined);
  await waitFor(async () => ((await brokerAnswers(url)) ? true : undefined), {
    timeoutMs: 180_000,
    intervalMs: 500,
    what: 'RabbitMQ to answer again',
  });
}

const connectionSchema = z.object({
  name: z.string(),
  /** Negotiated heartbeat, in seconds. */
  timeout: z.number().optional(),
  client_properties: z.object({ connection_name: z.string().optional() }).optional(),
});
export type BrokerConnection = z.infer<typeof connectionSchema>;

/**
 * The broker's management API at RABBITMQ_MGMT_URL (default http://guest:guest@127.0.0.1:15672),
 * used to drop one connection from the broker side without disturbing anybody else's.
 */
export class ManagementApi {
  private readonly origin: string;
  private readonly authorization: string;

  constructor(url = process.env['RABBITMQ_MGMT_URL'] || 'http://guest:guest@127.0.0.1:15672') {
    const base = new URL(url);
    this.origin = `${base.protocol}//${base.host}`;
    this.authorization = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  }

  /** The broker's view of the connections whose client named them `connectionName` (waits until there is one). */
  async connectionsNamed(connectionName: string): Promise<BrokerConnection[]> {
    return waitFor(
      async () => {
        const response = await fetch(`${this.origin}/api/connections`, { headers: { authorization: this.authorization } });
        if (!response.ok) throw new Error(`management API answered ${response.status}`);
        const matching = z
          .array(connectionSchema)
          .parse(await response.json())
          .filter((connection) => connection.client_properties?.connection_name === connectionName);
        return matching.length > 0 ? matching : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: `connection ${connectionName} in the management API` },
    );
  }

  /** Closes a connection from the broker side (the client sees CONNECTION_FORCED). */
  async closeConnection(name: string): Promise<void> {
    const response = await fetch(`${this.origin}/api/connections/${encodeURIComponent(name)}`, {
      method: 'DELETE',
      headers: { authorization: this.authorization, 'x-reason': 'amqp lib test: simulated connection loss' },
    });
    if (!response.ok && response.status !== 404) throw new Error(`closing ${name} failed: ${response.status}`);
  }
}
