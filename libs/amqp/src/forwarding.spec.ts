import { DEAD_LETTER_REASON_HEADER } from '@cfy/contracts';
import { AMQP_CORRELATION_HEADER } from '@cfy/logging';
import type { Message } from 'amqplib';
import { deadLetterOptions, originalRoute, retryOptions, type ReceivedMessage } from './forwarding';
import { ORIGINAL_EXCHANGE_HEADER, ORIGINAL_ROUTING_KEY_HEADER, PUBLISH_ID_HEADER, RETRY_COUNT_HEADER } from './headers';
import { messageContext } from './message-context';

function received(headers: Record<string, unknown> = {}, overrides: Partial<Message['properties']> = {}): ReceivedMessage {
  return {
    fields: { deliveryTag: 1, redelivered: false, exchange: 'cloudify-monitoring', routingKey: 'dep1' },
    properties: {
      contentType: 'application/json',
      contentEncoding: undefined,
      headers,
      deliveryMode: 2,
      priority: undefined,
      correlationId: undefined,
      replyTo: undefined,
      expiration: '60000',
      messageId: 'm-1',
      timestamp: 1_470_137_964,
      type: undefined,
      userId: undefined,
      appId: undefined,
      clusterId: undefined,
      ...overrides,
    },
  };
}

describe('dead-letter options', () => {
  it('carry the reason and where the message was first published', () => {
    const options = deadLetterOptions(received({ [AMQP_CORRELATION_HEADER]: 'req-1' }), 'invalid JSON: x');
    expect(options.headers).toEqual({
      [AMQP_CORRELATION_HEADER]: 'req-1',
      [DEAD_LETTER_REASON_HEADER]: 'invalid JSON: x',
      [ORIGINAL_EXCHANGE_HEADER]: 'cloudify-monitoring',
      [ORIGINAL_ROUTING_KEY_HEADER]: 'dep1',
    });
  });

  it('keep the message properties but make it persistent and drop its TTL', () => {
    const options = deadLetterOptions(received(), 'r');
    expect(options).toMatchObject({ contentType: 'application/json', messageId: 'm-1', timestamp: 1_470_137_964, persistent: true, mandatory: true });
    expect(options).not.toHaveProperty('expiration');
    expect(options).not.toHaveProperty('correlationId');
  });

  it('keep the first route of a message that was already retried', () => {
    const retried: ReceivedMessage = {
      ...received({ [ORIGINAL_EXCHANGE_HEADER]: 'cloudify-monitoring', [ORIGINAL_ROUTING_KEY_HEADER]: 'dep1', [RETRY_COUNT_HEADER]: 3 }),
      fields: { deliveryTag: 9, redelivered: false, exchange: '', routingKey: 'metrics-queue' },
    };
    expect(deadLetterOptions(retried, 'r').headers).toMatchObject({
      [ORIGINAL_EXCHANGE_HEADER]: 'cloudify-monitoring',
      [ORIGINAL_ROUTING_KEY_HEADER]: 'dep1',
      [RETRY_COUNT_HEADER]: 3,
    });
  });

  it('drop the previous publish token so the forwarder sets its own', () => {
    expect(deadLetterOptions(received({ [PUBLISH_ID_HEADER]: 'old.1' }), 'r').headers).not.toHaveProperty(PUBLISH_ID_HEADER);
  });
});

describe('retry options', () => {
  it('set the new retry count and remember the original route', () => {
    const options = retryOptions(received({ [RETRY_COUNT_HEADER]: 1 }), 2);
    expect(options.headers).toMatchObject({
      [RETRY_COUNT_HEADER]: 2,
      [ORIGINAL_EXCHANGE_HEADER]: 'cloudify-monitoring',
      [ORIGINAL_ROUTING_KEY_HEADER]: 'dep1',
    });
    expect(options.headers).not.toHaveProperty(DEAD_LETTER_REASON_HEADER);
  });
});

describe('originalRoute', () => {
  it('falls back to the delivery fields when no retry recorded a route', () => {
    expect(originalRoute(received())).toEqual({ exchange: 'cloudify-monitoring', routingKey: 'dep1' });
  });
});

describe('messageContext', () => {
  it('gives the handler the original route, retry count and a sane correlation id', () => {
    const context = messageContext('q', received({ [AMQP_CORRELATION_HEADER]: 'req-7', [RETRY_COUNT_HEADER]: 2 }));
    expect(context).toMatchObject({
      queue: 'q',
      exchange: 'cloudify-monitoring',
      routingKey: 'dep1',
      redelivered: false,
      retryCount: 2,
      correlationId: 'req-7',
      messageId: 'm-1',
    });
  });

  it('ignores a correlation header that is not a sane token', () => {
    expect(messageContext('q', received({ [AMQP_CORRELATION_HEADER]: 'a b\nc' })).correlationId).toBeUndefined();
  });
});
