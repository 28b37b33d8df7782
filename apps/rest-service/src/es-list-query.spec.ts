import { BLUEPRINT_V2 } from './blueprints/blueprint';
import { toEsListSearch } from './es-list-query';
import { parseListQuery } from './list-query';

const search = (query: string): ReturnType<typeof toEsListSearch> => toEsListSearch(parseListQuery(new URLSearchParams(query), BLUEPRINT_V2), BLUEPRINT_V2);

describe('toEsListSearch', () => {
  it('matches everything by id order when nothing is asked', () => {
    expect(search('')).toEqual({ query: { match_all: {} }, sort: [{ id: { order: 'asc' } }], from: 0, size: 1000 });
  });

  it('ORs the values of one key and ANDs the keys, each value as whole value or whole tokens', () => {
    const { query } = search('id=a&id=b&main_file_name=c.yaml');
    const wholeOrTokens = (field: string, value: string): unknown => ({
      bool: {
        should: [{ term: { [field]: value } }, { match_phrase: { [`${field}.tokens`]: { query: value, analyzer: 'whitespace' } } }],
        minimum_should_match: 1,
      },
    });
    expect(query).toEqual({
      bool: {
        filter: [
          { bool: { should: [wholeOrTokens('id', 'a'), wholeOrTokens('id', 'b')], minimum_should_match: 1 } },
          { bool: { should: [wholeOrTokens('main_file_name', 'c.yaml')], minimum_should_match: 1 } },
        ],
      },
    });
  });

  it('accepts a filter on the unindexed plan and matches nothing', () => {
    expect(search('plan=x').query).toEqual({ bool: { filter: [{ match_none: {} }] } });
  });

  it('sorts in request order and adds id as the tie-breaker only once', () => {
    expect(search('_sort=-created_at').sort).toEqual([{ created_at: { order: 'desc' } }, { id: { order: 'asc' } }]);
    expect(search('_sort=-id').sort).toEqual([{ id: { order: 'desc' } }]);
  });

  it('pages with from and size', () => {
    expect(search('_offset=20&_size=10')).toMatchObject({ from: 20, size: 10 });
  });
});
