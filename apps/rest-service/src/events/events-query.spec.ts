import { BadParametersError } from '@cfy/contracts';
import { MAX_PAGE_SIZE } from '../list-query';
import { messageTextWords, parseEventsQuery, storedFieldName } from './events-query';

const parse = (query: string) => parseEventsQuery(new URLSearchParams(query));

describe('parseEventsQuery', () => {
  it('defaults to both streams, no filters, no sort, offset 0, the maximum page size and whole documents', () => {
    expect(parse('')).toEqual({
      filters: new Map(),
      messageText: [],
      streams: ['events', 'logs'],
      ranges: [],
      sort: [],
      offset: 0,
      size: MAX_PAGE_SIZE,
      include: undefined,
    });
  });

  it('accepts any filter key, rewriting the six context shorthands to context.<key> and keeping repeats as alternatives', () => {
    const query = parse(
      'execution_id=e1&execution_id=e2&deployment_id=d&blueprint_id=b&node_id=n&node_instance_id=i&workflow_id=w&context.task_id=t&anything=x&event_type=task_failed',
    );
    expect([...query.filters]).toEqual([
      ['context.execution_id', ['e1', 'e2']],
      ['context.deployment_id', ['d']],
      ['context.blueprint_id', ['b']],
      ['context.node_id', ['n']],
      ['context.node_instance_id', ['i']],
      ['context.workflow_id', ['w']],
      ['context.task_id', ['t']],
      ['anything', ['x']],
      ['event_type', ['task_failed']],
    ]);
  });

  it('selects the streams from the type filter and keeps it as a filter', () => {
    expect(parse('type=cloudify_event').streams).toEqual(['events']);
    expect(parse('type=cloudify_log').streams).toEqual(['logs']);
    expect(parse('type=cloudify_event&type=cloudify_log').streams).toEqual(['events', 'logs']);
    expect(parse('type=cloudify_event').filters.get('type')).toEqual(['cloudify_event']);
    // A type naming neither stream searches both, and its filter then matches nothing.
    expect(parse('type=other').streams).toEqual(['events', 'logs']);
  });

  it('takes message.text out of the filters as words, one alternative per value', () => {
    const query = parse('message.text=Task%20succeeded&message.text=hello');
    expect(query.filters.has('message.text')).toBe(false);
    expect(query.messageText).toEqual([['Task', 'succeeded'], ['hello']]);
  });

  it('reads _range as field,from,to with either bound empty, rewriting shorthands', () => {
    expect(parse('_range=@timestamp,2016-08-02T11:00:00Z,&_range=execution_id,,z&_range=@timestamp,,').ranges).toEqual([
      { field: '@timestamp', from: '2016-08-02T11:00:00Z', to: undefined },
      { field: 'context.execution_id', from: undefined, to: 'z' },
      { field: '@timestamp', from: undefined, to: undefined },
    ]);
  });

  it.each(['@timestamp', '@timestamp,a', '@timestamp,a,b,c', ',a,b'])('refuses _range=%s with bad_parameters_error', (range) => {
    expect(() => parse(`_range=${range}`)).toThrow(BadParametersError);
  });

  it('keeps _sort order, -field descending, a leading + ignored, shorthands rewritten', () => {
    expect(parse('_sort=-@timestamp&_sort=%2Bevent_type&_sort=deployment_id&_sort=').sort).toEqual([
      { field: '@timestamp', order: 'desc' },
      { field: 'event_type', order: 'asc' },
      { field: 'context.deployment_id', order: 'asc' },
    ]);
  });

  it('accepts any _include names without validation, comma-separated or repeated, without duplicates', () => {
    expect(parse('_include=nope,message.text&_include=@timestamp,nope').include).toEqual(['nope', 'message.text', '@timestamp']);
    expect(parse('_include=').include).toBeUndefined();
  });

  it('ignores other parameters starting with _', () => {
    expect(parse('_unknown=1&_include_system_workflows=true').filters.size).toBe(0);
  });

  it.each([
    ['_size=1001', 'Invalid pagination: 1001, max allowed: 1000'],
    ['_size=-1', 'Invalid pagination: -1, max allowed: 1000'],
    ['_size=ten', 'Invalid pagination: _size must be an integer, got ten'],
    ['_offset=-1', 'Invalid pagination: _offset must not be negative, got -1'],
    ['_offset=9500&_size=600', 'Invalid pagination: _offset + _size must not exceed 10000, got 10100; narrow the search with _range'],
  ])('refuses %s with bad_parameters_error', (query, message) => {
    expect(() => parse(query)).toThrow(new BadParametersError(message));
  });

  it('accepts the pagination boundaries', () => {
    expect(parse('_size=0&_offset=10000')).toMatchObject({ size: 0, offset: 10_000 });
    expect(parse('_size=1000&_offset=9000')).toMatchObject({ size: 1000, offset: 9000 });
  });
});

describe('messageTextWords', () => {
  it('turns reserved characters and the && / || operators into spaces', () => {
    expect(messageTextWords('a(b)c{d}e+f-g=h>i<j!k[l]m^n"o~p*q?r:s\\t/u')).toEqual('abcdefghijklmnopqrstu'.split(''));
    expect(messageTextWords('x&&y||z&w|v')).toEqual(['x', 'y', 'z&w|v']);
  });

  it('keeps quotes, dots and underscores inside words', () => {
    expect(messageTextWords("Task succeeded 'script_runner.tasks.run'")).toEqual(['Task', 'succeeded', "'script_runner.tasks.run'"]);
  });

  it('has no words for blank values', () => {
    expect(messageTextWords('  ** ')).toEqual([]);
  });
});

describe('storedFieldName', () => {
  it('rewrites only the context shorthands', () => {
    expect(storedFieldName('workflow_id')).toBe('context.workflow_id');
    expect(storedFieldName('event_type')).toBe('event_type');
    expect(storedFieldName('context.node_name')).toBe('context.node_name');
  });
});
