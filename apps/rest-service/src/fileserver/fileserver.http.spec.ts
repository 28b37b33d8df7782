import { encodeSegment } from './fileserver.http';

describe('encodeSegment', () => {
  it.each([
    ['bp1', 'bp1'],
    ['a/b', 'a%2Fb'],
    ['my app.yaml', 'my%20app.yaml'],
    ['.', '%2E'],
    ['..', '%2E%2E'],
    ['...', '%2E%2E%2E'],
    ['.hidden', '.hidden'],
    ['a..b', 'a..b'],
  ])('keeps %p one path segment as %p', (segment, encoded) => {
    expect(encodeSegment(segment)).toBe(encoded);
  });
});
