import { prepareForwardedRequestHeaders, stripHopByHop } from './headers';

describe('forwarded request headers', () => {
  it('drops hop-by-hop headers and the ones Connection names', () => {
    const headers = {
      connection: 'keep-alive, x-private',
      'keep-alive': 'timeout=5',
      'x-private': 'secret',
      te: 'trailers',
      upgrade: 'h2c',
      'proxy-authorization': 'Basic eA==',
      accept: 'application/json',
    };
    stripHopByHop(headers);
    expect(headers).toEqual({ accept: 'application/json' });
  });

  it('keeps framing, host and the request id even when Connection names them', () => {
    const headers = {
      connection: 'content-length, transfer-encoding, host, x-request-id',
      'content-length': '10',
      'transfer-encoding': 'chunked',
      host: 'manager',
      'x-request-id': 'abc',
    };
    stripHopByHop(headers);
    expect(headers).toEqual({ 'content-length': '10', 'transfer-encoding': 'chunked', host: 'manager', 'x-request-id': 'abc' });
  });

  it('drops what only the edge may state: forwarded proto/host/port, the internal-door marker, Expect', () => {
    const headers = {
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil',
      'x-forwarded-port': '8101',
      'x-server-port': '8101',
      expect: '100-continue',
      'authentication-token': 't',
    };
    prepareForwardedRequestHeaders(headers);
    expect(headers).toEqual({ 'x-forwarded-for': '10.0.0.1', 'authentication-token': 't' });
  });
});
