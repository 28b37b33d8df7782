import { DEAD_LETTER_EXCHANGE, deadLetterQueueName } from '@cfy/contracts';
import type { Channel, Options } from 'amqplib';

export type ExchangeType = 'direct' | 'topic' | 'fanout' | 'headers';

export interface ExchangeDeclaration {
  readonly name: string;
  readonly type: ExchangeType;
  readonly options?: Options.AssertExchange;
}

export interface BindingDeclaration {
  readonly queue: string;
  readonly exchange: string;
  readonly routingKey: string;
}

export interface QueueDeclaration {
  /** Must be a real name: a server-named queue would get a new name on every reconnect. */
  readonly name: string;
  readonly options?: Options.AssertQueue;
}

/** Exchanges, queues and bindings a service needs; declared on connect and after every reconnect. */
export interface Topology {
  readonly exchanges?: readonly ExchangeDeclaration[];
  readonly queues?: readonly QueueDeclaration[];
  readonly bindings?: readonly BindingDeclaration[];
}

/**
 * The dead-letter route of `queue`: the shared direct exchange `cloudify.dead-letter` and a durable
 * `<queue>.dlq` bound to it with the queue's name as routing key.
 * @example deadLetterTopology('cloudify-events').queues // [{ name: 'cloudify-events.dlq', ... }]
 */
export function deadLetterTopology(queue: string): Topology {
  const dlq = deadLetterQueueName(queue);
  return {
    exchanges: [{ name: DEAD_LETTER_EXCHANGE, type: 'direct', options: { durable: true, autoDelete: false } }],
    queues: [{ name: dlq, options: { durable: true, autoDelete: false } }],
    bindings: [{ queue: dlq, exchange: DEAD_LETTER_EXCHANGE, routingKey: queue }],
  };
}

/**
 * Everything registered so far, deduplicated by name (a later declaration of the same name wins).
 * Declared in dependency order: exchanges, then queues, then bindings.
 */
export class TopologyRegistry {
  private readonly exchanges = new Map<string, ExchangeDeclaration>();
  private readonly queues = new Map<string, QueueDeclaration>();
  private readonly bindings = new Map<string, BindingDeclaration>();
  private changes = 0;

  /** Grows with every add(): tells a declaration in progress that it worked from an old snapshot. */
  get version(): number {
    return this.changes;
  }

  add(topology: Topology): void {
    assertNamedQueues(topology);
    for (const exchange of topology.exchanges ?? []) this.exchanges.set(exchange.name, exchange);
    for (const queue of topology.queues ?? []) this.queues.set(queue.name, queue);
    for (const binding of topology.bindings ?? []) this.bindings.set(JSON.stringify([binding.queue, binding.exchange, binding.routingKey]), binding);
    this.changes += 1;
  }

  snapshot(): Required<Topology> {
    return { exchanges: [...this.exchanges.values()], queues: [...this.queues.values()], bindings: [...this.bindings.values()] };
  }
}

/** Throws TypeError for a server-named queue (''), whose name would change on every reconnect. */
export function assertNamedQueues(topology: Topology): void {
  if ((topology.queues ?? []).some((queue) => queue.name === '')) {
    throw new TypeError('a declared queue needs a name: server-named queues change on every reconnect');
  }
}

/** Asserts `topology` on `channel` in dependency order. A failure closes the channel (AMQP rules). */
export async function assertTopology(channel: Channel, topology: Topology): Promise<void> {
  for (const exchange of topology.exchanges ?? []) await channel.assertExchange(exchange.name, exchange.type, exchange.options);
  for (const queue of topology.queues ?? []) await channel.assertQueue(queue.name, queue.options);
  for (const binding of topology.bindings ?? []) await channel.bindQueue(binding.queue, binding.exchange, binding.routingKey);
}
