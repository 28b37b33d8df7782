import { DEAD_LETTER_EXCHANGE } from '@cfy/contracts';
import { deadLetterTopology, TopologyRegistry } from './topology';

describe('deadLetterTopology', () => {
  it('routes a queue to <queue>.dlq through the durable direct dead-letter exchange', () => {
    expect(deadLetterTopology('cloudify-events')).toEqual({
      exchanges: [{ name: DEAD_LETTER_EXCHANGE, type: 'direct', options: { durable: true, autoDelete: false } }],
      queues: [{ name: 'cloudify-events.dlq', options: { durable: true, autoDelete: false } }],
      bindings: [{ queue: 'cloudify-events.dlq', exchange: DEAD_LETTER_EXCHANGE, routingKey: 'cloudify-events' }],
    });
  });
});

describe('TopologyRegistry', () => {
  it('declares each exchange, queue and binding once however often it is registered', () => {
    const registry = new TopologyRegistry();
    registry.add(deadLetterTopology('a'));
    registry.add(deadLetterTopology('b'));
    registry.add(deadLetterTopology('a'));
    const snapshot = registry.snapshot();
    expect(snapshot.exchanges).toHaveLength(1);
    expect(snapshot.queues.map((q) => q.name)).toEqual(['a.dlq', 'b.dlq']);
    expect(snapshot.bindings.map((b) => b.routingKey)).toEqual(['a', 'b']);
  });

  it('lets a later declaration of the same queue win', () => {
    const registry = new TopologyRegistry();
    registry.add({ queues: [{ name: 'q', options: { durable: false } }] });
    registry.add({ queues: [{ name: 'q', options: { durable: true } }] });
    expect(registry.snapshot().queues).toEqual([{ name: 'q', options: { durable: true } }]);
  });

  it('refuses server-named queues, whose name would change on every reconnect', () => {
    expect(() => new TopologyRegistry().add({ queues: [{ name: '' }] })).toThrow(TypeError);
  });

  it('counts changes, so a declaration in progress knows its snapshot is stale', () => {
    const registry = new TopologyRegistry();
    const before = registry.version;
    registry.add(deadLetterTopology('a'));
    expect(registry.version).toBeGreaterThan(before);
  });
});
