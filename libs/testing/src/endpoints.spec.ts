import { dockerEngineReachable, resolveEndpoint, ServiceUnavailableError } from './endpoints';

const noDocker = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
const neverStart = (): Promise<never> => Promise.reject(new Error('no container expected'));

describe('resolveEndpoint', () => {
  it('uses the URL from the environment when set', async () => {
    const endpoint = await resolveEndpoint('elasticsearch', neverStart, { ...noDocker, ES_URL: 'http://es:9200' });
    expect(endpoint).toMatchObject({ url: 'http://es:9200', source: 'env' });
  });

  it('fails with instructions when there is neither a URL nor a Docker engine', async () => {
    const attempt = resolveEndpoint('amqp', neverStart, noDocker);
    await expect(attempt).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(attempt).rejects.toThrow(/AMQP_URL is not set.*npm run stack up/);
  });

  it('starts a container when a Docker engine answers', async () => {
    const started = { url: 'amqp://container', source: 'container' as const, stop: async () => undefined };
    const endpoint = await resolveEndpoint('amqp', async () => started, { DOCKER_HOST: 'tcp://docker:2375' });
    expect(endpoint).toBe(started);
  });

  it('does not mistake a missing socket for a Docker engine', async () => {
    expect(await dockerEngineReachable(noDocker)).toBe(false);
  });
});
