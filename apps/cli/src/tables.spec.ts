import { cellText, renderTable } from './tables';

describe('renderTable', () => {
  it('centres cells as PrettyTable does: odd spare space right of odd-length text, left of even-length text', () => {
    expect(renderTable(['status'], [{ status: 'running' }, { status: 'dead' }, { status: 'up' }]).split('\n')).toEqual([
      '+---------+',
      '|  status |',
      '+---------+',
      '| running |',
      '|   dead  |',
      '|    up   |',
      '+---------+',
    ]);
  });

  it('renders missing values as None and structured values as JSON', () => {
    expect(cellText(undefined)).toBe('None');
    expect(cellText(null)).toBe('None');
    expect(cellText(true)).toBe('True');
    expect(cellText(3)).toBe('3');
    expect(cellText({ a: [1] })).toBe('{"a":[1]}');
  });

  it('draws only borders and the header rule for an empty table', () => {
    expect(renderTable(['id', 'name'], []).split('\n')).toEqual(['+----+------+', '| id | name |', '+----+------+', '+----+------+']);
  });
});
