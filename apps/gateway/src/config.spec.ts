import { ConfigError } from '@cfy/config';
import { loadGatewayConfig } from './config';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('gateway config', () => {
  it('defaults to the Cloudify ports and local upstreams', () => {
    const config = loadGatewayConfig({});
    expect(config).toMatchObject({
      PORT: 80,
      HOST: '0.0.0.0',
      REST_SERVICE_URL: 'http://127.0.0.1:8100',
      FILESERVER_URL: 'http://127.0.0.1:53229',
      UPSTREAM_TIMEOUT_MS: 60_000,
      UPSTREAM_MAX_SOCKETS: 256,
      TLS_PORT: 443,
    });
    expect(config.TLS_CERT).toBeUndefined();
  });

  it('accepts port 0 for tests and reads TLS material from *_FILE variables', () => {
    const config = loadGatewayConfig({ PORT: '0', TLS_CERT: 'CERT', TLS_KEY: 'KEY' });
    expect(config.PORT).toBe(0);
    expect([config.TLS_CERT, config.TLS_KEY]).toEqual(['CERT', 'KEY']);
  });

  it('names every bad key at once', () => {
    const problems = problemsOf(() =>
      loadGatewayConfig({ PORT: 'abc', REST_SERVICE_URL: 'amqp://x', UPSTREAM_TIMEOUT_MS: '0', UPSTREAM_MAX_SOCKETS: 'many' }),
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['PORT', 'REST_SERVICE_URL', 'UPSTREAM_TIMEOUT_MS', 'UPSTREAM_MAX_SOCKETS']);
  });

  it('refuses a certificate without its key', () => {
    expect(problemsOf(() => loadGatewayConfig({ TLS_CERT: 'CERT' }))).toEqual(['TLS_KEY: required when TLS_CERT is set (or set neither)']);
    expect(problemsOf(() => loadGatewayConfig({ TLS_KEY: 'KEY' }))).toEqual(['TLS_CERT: required when TLS_KEY is set (or set neither)']);
  });
});
