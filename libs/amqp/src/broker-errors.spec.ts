import { missingExchangeOf, replyCodeOf } from './broker-errors';

function channelError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code, classId: 60, methodId: 40 });
}

describe('missingExchangeOf', () => {
  it('names the exchange of a 404 no-exchange channel error', () => {
    const error = channelError(404, `Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no exchange 'cfy.missing' in vhost '/'"`);
    expect(missingExchangeOf(error)).toBe('cfy.missing');
  });

  it('copes with quotes inside the exchange name', () => {
    const error = channelError(404, `Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no exchange 'it's' in vhost '/'"`);
    expect(missingExchangeOf(error)).toBe(`it's`);
  });

  it('says nothing for other errors', () => {
    expect(missingExchangeOf(channelError(404, `NOT_FOUND - no queue 'q' in vhost '/'`))).toBeUndefined();
    expect(missingExchangeOf(channelError(403, `no exchange 'x' in vhost '/'`))).toBeUndefined();
    expect(missingExchangeOf(new Error('socket closed'))).toBeUndefined();
    expect(missingExchangeOf(undefined)).toBeUndefined();
  });
});

describe('replyCodeOf', () => {
  it('reads the AMQP reply code amqplib puts on errors', () => {
    expect(replyCodeOf(channelError(406, 'PRECONDITION_FAILED'))).toBe(406);
    expect(replyCodeOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });
});
