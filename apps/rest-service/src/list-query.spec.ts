import { BadParametersError } from '@cfy/contracts';
import { BLUEPRINT_V1, BLUEPRINT_V2 } from './blueprints/blueprint';
import { NoSuchIncludeFieldError } from './errors';
import { MAX_PAGE_SIZE, parseInclude, parseListQuery, project, pythonList } from './list-query';

const params = (query: string): URLSearchParams => new URLSearchParams(query);

describe('parseListQuery', () => {
  it('defaults to every field, no sort, offset 0 and the maximum page size', () => {
    expect(parseListQuery(params(''), BLUEPRINT_V2)).toEqual({ include: undefined, sort: [], offset: 0, size: MAX_PAGE_SIZE, filters: new Map() });
  });

  it('keeps _sort order, reads -field as descending and ignores a leading + and unknown fields', () => {
    const query = parseListQuery(params('_sort=-created_at&_sort=%2Bid&_sort=plan&_sort=nope&_sort=main_file_name'), BLUEPRINT_V2);
    expect(query.sort).toEqual([
      { field: 'created_at', order: 'desc' },
      { field: 'id', order: 'asc' },
      { field: 'main_file_name', order: 'asc' },
    ]);
  });

  it('reads a + that arrived as a space (unencoded in the query) as ascending', () => {
    expect(parseListQuery(params('_sort=+id'), BLUEPRINT_V2).sort).toEqual([{ field: 'id', order: 'asc' }]);
  });

  it('collects repeated filter keys as alternatives and ignores other _ parameters', () => {
    const query = parseListQuery(params('id=a&id=b&description=x%20y&_unknown=1'), BLUEPRINT_V2);
    expect([...query.filters]).toEqual([
      ['id', ['a', 'b']],
      ['description', ['x y']],
    ]);
  });

  it('refuses unknown filter keys with 3.4 message listing them and the allowed ones', () => {
    expect(() => parseListQuery(params('foo=1&bar=2&id=x'), BLUEPRINT_V2)).toThrow(
      new BadParametersError(
        "Filter keys '['foo', 'bar']' do not exist. Allowed filters are: ['id', 'plan', 'description', 'created_at', 'updated_at', 'main_file_name']",
      ),
    );
  });

  it.each([
    ['_size=1001', 'Invalid pagination: 1001, max allowed: 1000'],
    ['_size=-1', 'Invalid pagination: -1, max allowed: 1000'],
    ['_size=abc', 'Invalid pagination: _size must be an integer, got abc'],
    ['_offset=1.5', 'Invalid pagination: _offset must be an integer, got 1.5'],
    ['_offset=-3', 'Invalid pagination: _offset must not be negative, got -3'],
  ])('refuses %s with bad_parameters_error', (query, message) => {
    const attempt = (): unknown => parseListQuery(params(query), BLUEPRINT_V2);
    expect(attempt).toThrow(BadParametersError);
    expect(attempt).toThrow(message);
  });

  it('accepts the boundaries of pagination', () => {
    expect(parseListQuery(params('_size=0&_offset=0'), BLUEPRINT_V2)).toMatchObject({ size: 0, offset: 0 });
    expect(parseListQuery(params('_size=1000&_offset=5'), BLUEPRINT_V2)).toMatchObject({ size: 1000, offset: 5 });
  });
});

describe('parseInclude', () => {
  it('splits comma lists, merges repeats and drops blanks and duplicates', () => {
    expect(parseInclude(params('_include=id,created_at&_include=%20plan,,id'), BLUEPRINT_V2.fields)).toEqual(['id', 'created_at', 'plan']);
  });

  it('returns undefined when absent', () => {
    expect(parseInclude(params('id=x'), BLUEPRINT_V2.fields)).toBeUndefined();
  });

  it('names every illegal field and the available ones', () => {
    const attempt = (): unknown => parseInclude(params('_include=id,x,y'), BLUEPRINT_V2.fields);
    expect(attempt).toThrow(NoSuchIncludeFieldError);
    expect(attempt).toThrow('Illegal include fields: [x, y] - available fields: [id, plan, description, main_file_name, created_at, updated_at]');
  });

  it('checks against the version type: v1 blueprints have no description', () => {
    expect(() => parseInclude(params('_include=description'), BLUEPRINT_V1.fields)).toThrow(
      'Illegal include fields: [description] - available fields: [id, plan, created_at, updated_at]',
    );
  });
});

describe('pythonList', () => {
  it('renders strings like Python repr', () => {
    expect(pythonList([])).toBe('[]');
    expect(pythonList(['a', "it's", 'back\\slash'])).toBe(`['a', "it's", 'back\\\\slash']`);
    expect(pythonList([`both'"`])).toBe(`['both\\'"']`);
  });
});

describe('project', () => {
  it('keeps only included keys in rendering order', () => {
    expect(Object.keys(project({ id: 1, plan: 2, created_at: 3 }, ['created_at', 'id']))).toEqual(['id', 'created_at']);
    expect(project({ id: 1 }, undefined)).toEqual({ id: 1 });
  });
});
