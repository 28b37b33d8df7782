import { BadParametersError } from '@cfy/contracts';
import { parseEventsQuery } from './events-query';
import { type FieldType, type FieldTypes, referencedFields, toEventsSearch } from './events-search';

const one = (type: string, aggregatable = true): FieldType[] => [{ type, aggregatable, indices: undefined }];

/** The logs-indexer's mapping of the fields these tests use. */
const MAPPING: FieldTypes = new Map([
  ['@timestamp', one('date')],
  ['timestamp', one('keyword')],
  ['type', one('keyword')],
  ['event_type', one('keyword')],
  ['level', one('keyword')],
  ['context.execution_id', one('keyword')],
  ['context.deployment_id', one('keyword')],
  ['context.task_current_retries', one('long')],
  ['message.text', one('text', false)],
  ['context', one('object', false)],
]);

const search = (query: string, types: FieldTypes = MAPPING) => toEventsSearch(parseEventsQuery(new URLSearchParams(query)), types);

describe('toEventsSearch', () => {
  it('matches everything, unsorted, whole documents, when nothing is asked', () => {
    expect(search('')).toEqual({ query: { match_all: {} }, sort: [], from: 0, size: 1000, _source: true });
  });

  it('ANDs fields and ORs the values of one field; keywords match the whole value exactly', () => {
    expect(search('execution_id=e1&type=cloudify_event&type=cloudify_log').query).toEqual({
      bool: {
        filter: [
          { term: { 'context.execution_id': 'e1' } },
          { bool: { should: [{ term: { type: 'cloudify_event' } }, { term: { type: 'cloudify_log' } }], minimum_should_match: 1 } },
        ],
      },
    });
  });

  it('matches a text field as a phrase, numbers only with numeric values, and unmapped fields or objects never', () => {
    const types: FieldTypes = new Map([...MAPPING, ['context.note', one('text', false)]]);
    expect(search('context.note=two%20words', types).query).toEqual({ bool: { filter: [{ match_phrase: { 'context.note': 'two words' } }] } });
    expect(search('context.task_current_retries=2').query).toEqual({ bool: { filter: [{ term: { 'context.task_current_retries': '2' } }] } });
    expect(search('context.task_current_retries=two').query).toEqual({ bool: { filter: [{ match_none: {} }] } });
    expect(search('nope=1').query).toEqual({ bool: { filter: [{ match_none: {} }] } });
    expect(search('context=1').query).toEqual({ bool: { filter: [{ match_none: {} }] } });
  });

  it('limits each type of a field mapped differently across daily indices to its own indices', () => {
    const types: FieldTypes = new Map([
      [
        'context.size',
        [
          { type: 'keyword', aggregatable: true, indices: ['cloudify-events-2016.08.01'] },
          { type: 'long', aggregatable: true, indices: ['cloudify-events-2016.08.02'] },
        ],
      ],
    ]);
    expect(search('context.size=big', types).query).toEqual({
      bool: { filter: [{ bool: { filter: [{ terms: { _index: ['cloudify-events-2016.08.01'] } }, { term: { 'context.size': 'big' } }] } }] },
    });
  });

  it('requires every word of message.text as a case-insensitive substring; values are alternatives', () => {
    const word = (text: string) => ({
      bool: {
        should: [
          { wildcard: { 'message.text.keyword': { value: `*${text}*`, case_insensitive: true } } },
          { wildcard: { 'message.text': { value: `*${text.toLowerCase()}*`, case_insensitive: true } } },
        ],
        minimum_should_match: 1,
      },
    });
    expect(search('message.text=Task%20OK').query).toEqual({ bool: { filter: [{ bool: { filter: [word('Task'), word('OK')] } }] } });
    expect(search('message.text=a&message.text=b').query).toEqual({
      bool: { filter: [{ bool: { should: [{ bool: { filter: [word('a')] } }, { bool: { filter: [word('b')] } }], minimum_should_match: 1 } }] },
    });
  });

  it('reads _range bounds on dates as ISO-8601 or YYYY-MM-DD HH:MM:SS, inclusive, either bound optional', () => {
    expect(search('_range=@timestamp,2016-08-02 11:39:24,2016-08-02T11:40:00.500Z').query).toEqual({
      bool: { filter: [{ range: { '@timestamp': { gte: '2016-08-02T11:39:24', lte: '2016-08-02T11:40:00.500Z' } } }] },
    });
    expect(search('_range=@timestamp,,2016-08-02').query).toEqual({ bool: { filter: [{ range: { '@timestamp': { lte: '2016-08-02' } } }] } });
    expect(search('_range=@timestamp,,').query).toEqual({ bool: { filter: [{ exists: { field: '@timestamp' } }] } });
  });

  it('ranges over keywords as strings and over numbers as numbers', () => {
    expect(search('_range=timestamp,2016-08-02 11,').query).toEqual({ bool: { filter: [{ range: { timestamp: { gte: '2016-08-02 11' } } }] } });
    expect(search('_range=context.task_current_retries,1,3').query).toEqual({
      bool: { filter: [{ range: { 'context.task_current_retries': { gte: '1', lte: '3' } } }] },
    });
  });

  it('refuses a _range bound the field cannot hold with bad_parameters_error', () => {
    expect(() => search('_range=@timestamp,yesterday,')).toThrow(BadParametersError);
    expect(() => search('_range=@timestamp,yesterday,')).toThrow(
      "Invalid _range bound for @timestamp: expected an ISO-8601 or YYYY-MM-DD HH:MM:SS time, got 'yesterday'",
    );
    expect(() => search('_range=context.task_current_retries,,many')).toThrow(BadParametersError);
  });

  it('sorts in request order on sortable fields, ignoring text, objects, unmapped and metadata fields', () => {
    expect(search('_sort=-@timestamp&_sort=message.text&_sort=context&_sort=nope&_sort=_id&_sort=event_type').sort).toEqual([
      { '@timestamp': { order: 'desc', unmapped_type: 'date' } },
      { event_type: { order: 'asc', unmapped_type: 'keyword' } },
    ]);
  });

  it('pages with from/size and projects the _include names from the source', () => {
    expect(search('_offset=20&_size=10&_include=@timestamp,context.deployment_id')).toMatchObject({
      from: 20,
      size: 10,
      _source: { includes: ['@timestamp', 'context.deployment_id'] },
    });
  });
});

describe('referencedFields', () => {
  it('lists every field of filters, ranges and sort once', () => {
    expect(referencedFields(parseEventsQuery(new URLSearchParams('execution_id=e&message.text=x&_range=@timestamp,,&_sort=@timestamp&_sort=level')))).toEqual([
      'context.execution_id',
      '@timestamp',
      'level',
    ]);
  });
});
