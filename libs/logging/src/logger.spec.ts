import { Writable } from 'node:stream';
import { correlationIdFrom, newCorrelationId, outgoingAmqpHeaders, withCorrelationId } from './correlation';
import { createLogger } from './logger';

function captured(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const lines = (): Array<Record<string, unknown>> =>
    chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, stream };
}

describe('logger', () => {
  it('writes JSON lines with service, level, message and fields', () => {
    const { lines, stream } = captured();
    createLogger({ name: 'svc', destination: stream }).info('started', { port: 9999 });
    expect(lines()[0]).toMatchObject({ service: 'svc', level: 'info', msg: 'started', port: 9999 });
  });

  it('carries child bindings and the current correlation id', () => {
    const { lines, stream } = captured();
    const log = createLogger({ name: 'svc', destination: stream }).child({ component: 'consumer' });
    withCorrelationId('req-42', () => log.warn('slow'));
    log.warn('outside');
    expect(lines()[0]).toMatchObject({ component: 'consumer', correlation_id: 'req-42', msg: 'slow' });
    expect(lines()[1]).not.toHaveProperty('correlation_id');
  });

  it('honours the level', () => {
    const { lines, stream } = captured();
    const log = createLogger({ name: 'svc', level: 'warn', destination: stream });
    log.info('hidden');
    log.error('shown');
    expect(lines().map((line) => line['msg'])).toEqual(['shown']);
  });
});

describe('correlation ids', () => {
  it('reads a correlation id from HTTP or AMQP headers, including Buffers', () => {
    expect(correlationIdFrom({ 'x-request-id': 'abc-1' }, 'x-request-id')).toBe('abc-1');
    expect(correlationIdFrom({ 'x-correlation-id': Buffer.from('abc-2') }, 'x-correlation-id')).toBe('abc-2');
    expect(correlationIdFrom({ 'x-request-id': ['first', 'second'] }, 'x-request-id')).toBe('first');
  });

  it('ignores a header that is not a sane token', () => {
    expect(correlationIdFrom({ 'x-request-id': 'has space' }, 'x-request-id')).toBeUndefined();
    expect(correlationIdFrom({ 'x-request-id': 'a'.repeat(200) }, 'x-request-id')).toBeUndefined();
    expect(correlationIdFrom(undefined, 'x-request-id')).toBeUndefined();
  });

  it('propagates the current id into outgoing AMQP headers', () => {
    const id = newCorrelationId();
    expect(withCorrelationId(id, () => outgoingAmqpHeaders())).toEqual({ 'x-correlation-id': id });
    expect(outgoingAmqpHeaders()).toEqual({});
  });
});
