import { bulkBody, bulkLines, parseBulkResponse } from './bulk-protocol';
import { EsRequestError } from './errors';

describe('bulkLines', () => {
  it('builds the action and source lines of an index op with an explicit id', () => {
    expect(bulkLines({ index: 'logs', id: 'a"1', document: { msg: 'hi' } }).text).toBe(
      '{"index":{"_index":"logs","_id":"a\\"1"}}\n{"msg":"hi"}\n',
    );
  });

  it('builds a create op and leaves out _id when none is given', () => {
    expect(bulkLines({ op: 'create', index: 'logs', document: { n: 1 } }).text).toBe('{"create":{"_index":"logs"}}\n{"n":1}\n');
  });

  it('produces lines every one of which is valid JSON, even with newlines inside values', () => {
    const { text } = bulkLines({ index: 'logs', id: '1', document: { msg: 'line 1\nline 2\r\n' } });
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1] as string)).toEqual({ msg: 'line 1\nline 2\r\n' });
  });

  it('counts UTF-8 bytes, not UTF-16 units', () => {
    const { text, bytes } = bulkLines({ index: 'i', id: '1', document: { s: 'é€😀' } });
    expect(bytes).toBe(Buffer.from(text, 'utf8').length);
    expect(bytes).toBe(text.length + 1 + 2 + 2);
  });

  it.each([
    ['a string', 'text'],
    ['an array', [1, 2]],
    ['undefined', undefined],
    ['a BigInt', { n: 10n }],
  ])('refuses %s as a document', (_label, document) => {
    expect(() => bulkLines({ index: 'i', document })).toThrow(EsRequestError);
  });

  it('refuses a circular document', () => {
    const document: Record<string, unknown> = {};
    document['self'] = document;
    expect(() => bulkLines({ index: 'i', document })).toThrow(/not serialisable/);
  });
});

describe('bulkBody', () => {
  it('concatenates the lines of a batch into one NDJSON body', () => {
    const entries = [{ lines: bulkLines({ index: 'i', id: '1', document: { a: 1 } }) }, { lines: bulkLines({ index: 'i', id: '2', document: { a: 2 } }) }];
    expect(bulkBody(entries)).toBe('{"index":{"_index":"i","_id":"1"}}\n{"a":1}\n{"index":{"_index":"i","_id":"2"}}\n{"a":2}\n');
  });
});

describe('parseBulkResponse', () => {
  it('returns one status per item, with the error type and reason of failed ones', () => {
    const body = {
      items: [
        { index: { status: 201 } },
        { create: { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'exists' } } },
        { index: { status: 429, error: { type: 'es_rejected_execution_exception' } } },
      ],
    };
    expect(parseBulkResponse(body, 3)).toEqual([
      { status: 201 },
      { status: 409, type: 'version_conflict_engine_exception', reason: 'exists' },
      { status: 429, type: 'es_rejected_execution_exception' },
    ]);
  });

  it('refuses a response whose item count differs from what was sent', () => {
    expect(() => parseBulkResponse({ items: [{ index: { status: 201 } }] }, 2)).toThrow(/1 items for 2 sent/);
    expect(() => parseBulkResponse({ errors: false }, 1)).toThrow(EsRequestError);
  });

  it('refuses an item without a numeric status', () => {
    expect(() => parseBulkResponse({ items: [{ index: { status: '201' } }] }, 1)).toThrow(/no status/);
    expect(() => parseBulkResponse({ items: [null] }, 1)).toThrow(/no status/);
  });
});
