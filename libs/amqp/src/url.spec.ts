import { redactUrl, withHeartbeat } from './url';

describe('redactUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(redactUrl('amqp://cfy:s3cret@broker:5672/%2F')).toBe('amqp://cfy:***@broker:5672/%2F');
  });

  it('never echoes an unparsable URL, which may hold a password', () => {
    expect(redactUrl('amqp://cfy:s3cret@[broker')).toBe('<unparsable AMQP URL>');
  });
});

describe('withHeartbeat', () => {
  it('adds the heartbeat query parameter', () => {
    expect(withHeartbeat('amqp://guest:guest@127.0.0.1:5672', 10)).toBe('amqp://guest:guest@127.0.0.1:5672?heartbeat=10');
  });

  it('lets a heartbeat set in the URL win', () => {
    expect(withHeartbeat('amqp://h/?heartbeat=30&frameMax=8192', 10)).toBe('amqp://h/?heartbeat=30&frameMax=8192');
  });
});
