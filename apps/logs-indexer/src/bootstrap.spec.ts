import { EsRequestError, EsUnavailableError, type IndexTemplate } from '@cfy/es';
import { silentLogger } from '@cfy/logging';
import { ensureIndexTemplates } from './bootstrap';

describe('ensureIndexTemplates', () => {
  const base = { prefix: 'p-', refreshInterval: '1s', maxDelayMs: 5, logger: silentLogger };

  it('puts the events and logs templates, waiting out an unreachable Elasticsearch', async () => {
    const put: string[] = [];
    let failures = 3;
    const es = {
      ensureIndexTemplate: async (template: IndexTemplate) => {
        if (failures-- > 0) throw new EsUnavailableError('connection refused');
        put.push(template.name);
      },
    };
    await expect(ensureIndexTemplates({ ...base, es, signal: new AbortController().signal })).resolves.toBe(true);
    expect(put).toEqual(['p-cloudify-events', 'p-cloudify-logs']);
  });

  it('rejects when Elasticsearch refuses the template', async () => {
    const es = { ensureIndexTemplate: () => Promise.reject(new EsRequestError('bad mapping', { status: 400 })) };
    await expect(ensureIndexTemplates({ ...base, es, signal: new AbortController().signal })).rejects.toThrow('bad mapping');
  });

  it('gives up quietly when shutdown starts while waiting', async () => {
    const stopping = new AbortController();
    const es = {
      ensureIndexTemplate: async () => {
        stopping.abort();
        throw new EsUnavailableError('connection refused');
      },
    };
    await expect(ensureIndexTemplates({ ...base, maxDelayMs: 60_000, es, signal: stopping.signal })).resolves.toBe(false);
  });
});
