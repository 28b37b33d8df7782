import { UpstreamUnavailableError } from './errors';

function socketError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 10.1.2.3:8100`), { code });
}

describe('upstream failures', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['ENOTFOUND', 'unreachable'],
    ['ETIMEDOUT', 'unreachable'],
    ['EWHATEVER', 'failed'],
  ])('classifies %s as %s and names only the service', (code, reason) => {
    const error = UpstreamUnavailableError.fromSocketError('rest-service', socketError(code));
    expect(error.reason).toBe(reason);
    expect(error.retryable).toBe(true);
    expect(error.httpStatus).toBe(502);
    expect(error.toBody()).toEqual({ message: 'rest-service is unavailable', error_code: 'bad_gateway_error' });
  });

  it('says how long it waited when the upstream stayed silent', () => {
    const error = UpstreamUnavailableError.fromSocketError('fileserver', socketError('ECONNRESET'), 250);
    expect(error.reason).toBe('timeout');
    expect(error.toBody()).toEqual({ message: 'fileserver did not answer within 250 ms', error_code: 'bad_gateway_error' });
  });
});
