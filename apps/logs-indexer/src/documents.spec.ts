import { buildEvent } from '@cfy/contracts/testing';
import { bulkItemFor, documentId, storedDocument } from './documents';

describe('documentId', () => {
  it('is the same for the same content, whatever the key order', () => {
    const event = buildEvent();
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(event).reverse()))) as Record<string, unknown>;
    expect(documentId(reordered)).toBe(documentId(event));
  });

  it('differs when anything in the content differs, nested keys included', () => {
    const event = buildEvent();
    const ids = new Set([
      documentId(event),
      documentId({ ...event, timestamp: '2016-08-02 11:39:24.814+0000' }),
      documentId({ ...event, context: { ...event.context, task_current_retries: 1 } }),
      documentId({ ...event, extra: null }),
    ]);
    expect(ids.size).toBe(4);
  });

  it('is a URL-safe SHA-256 (43 characters)', () => {
    expect(documentId(buildEvent())).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('storedDocument', () => {
  it('is the published JSON plus @timestamp, @version and tags', () => {
    const published = { ...buildEvent(), unknown_key: { kept: true } };
    expect(storedDocument(published, '2016-08-02T11:39:24.813Z')).toEqual({
      ...published,
      '@timestamp': '2016-08-02T11:39:24.813Z',
      '@version': '1',
      tags: ['event'],
    });
  });
});

describe('bulkItemFor', () => {
  it('overwrites (op index) in the daily index under the content id', () => {
    const message = buildEvent();
    const item = bulkItemFor({ prefix: 'p-', kind: 'events', message, isoTimestamp: '2016-08-02T11:39:24.813Z' });
    expect(item).toMatchObject({ op: 'index', index: 'p-cloudify-events-2016.08.02', id: documentId(message) });
  });
});
