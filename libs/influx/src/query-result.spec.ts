import { z } from 'zod';
import { InfluxQueryError } from './errors';
import { parseQueryResponse, seriesToRows, statementRows } from './query-result';
import { defined } from './testing/defined';

const grouped = {
  results: [
    {
      statement_id: 0,
      series: [
        { name: 'cpu', tags: { host: 'a' }, columns: ['time', 'mean'], values: [[1000, 1.5], [2000, null]] },
        { name: 'cpu', tags: { host: 'b' }, columns: ['time', 'mean'], values: [[1000, 3]] },
      ],
    },
    { statement_id: 1 },
  ],
};

describe('query response parsing', () => {
  it('returns one result per statement with series and rows', () => {
    const [first, second] = parseQueryResponse(grouped);
    expect(first?.statementId).toBe(0);
    expect(first?.series.map((s) => s.tags['host'])).toEqual(['a', 'b']);
    expect(second).toEqual({ statementId: 1, series: [], messages: [] });
  });

  it('turns a series into objects with its group-by tags', () => {
    const [first] = parseQueryResponse(grouped);
    expect(statementRows(defined(first))).toEqual([
      { host: 'a', time: 1000, mean: 1.5 },
      { host: 'a', time: 2000, mean: null },
      { host: 'b', time: 1000, mean: 3 },
    ]);
  });

  it('types rows with a schema and names the row that does not match', () => {
    const [first] = parseQueryResponse(grouped);
    const rowSchema = z.object({ time: z.number(), mean: z.number(), host: z.string() });
    expect(seriesToRows(defined(defined(first).series[1]), rowSchema)).toEqual([{ time: 1000, mean: 3, host: 'b' }]);
    expect(() => seriesToRows(defined(defined(first).series[0]), rowSchema)).toThrow(/row 1 of series "cpu"/);
  });

  it('accepts series without a name or values, as SHOW statements return them', () => {
    const [result] = parseQueryResponse({ results: [{ statement_id: 0, series: [{ columns: ['name', 'duration'] }] }] });
    expect(result?.series[0]).toEqual({ name: '', tags: {}, columns: ['name', 'duration'], values: [] });
  });

  it('keeps server messages such as deprecation warnings', () => {
    const [result] = parseQueryResponse({ results: [{ statement_id: 0, messages: [{ level: 'warning', text: 'deprecated' }] }] });
    expect(result?.messages).toEqual([{ level: 'warning', text: 'deprecated' }]);
  });

  it('throws an InfluxQueryError naming the failed statement', () => {
    const body = { results: [{ statement_id: 0 }, { statement_id: 1, error: 'database not found: x' }] };
    let thrown: unknown;
    try {
      parseQueryResponse(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InfluxQueryError);
    expect((thrown as InfluxQueryError).details).toMatchObject({ statementId: 1, serverMessage: 'database not found: x' });
  });

  it('throws an InfluxQueryError for a top-level error', () => {
    expect(() => parseQueryResponse({ error: 'error parsing query: bad' })).toThrow(/error parsing query: bad/);
  });

  it.each([
    ['results that are not an array', { results: {} }],
    ['a series without columns', { results: [{ series: [{ name: 'x' }] }] }],
    ['a cell that is an object', { results: [{ series: [{ columns: ['a'], values: [[{}]] }] }] }],
    ['not an object at all', 'html page'],
  ])('throws an InfluxQueryError for %s', (_label, body) => {
    expect(() => parseQueryResponse(body)).toThrow(InfluxQueryError);
  });
});
