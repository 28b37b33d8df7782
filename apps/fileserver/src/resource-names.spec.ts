import { checkBlueprintId, checkRelativePath, judgeSegment, parseResourceRequestPath } from './resource-names';

describe('resource names', () => {
  it.each(['bp1', 'my blueprint', 'ünïcode-✓', 'a.b', 'x'.repeat(255)])('accepts the blueprint id %p', (id) => {
    expect(checkBlueprintId(id)).toBe(id);
  });

  it.each([
    ['', 'is empty'],
    ['.', 'must not be "." or ".."'],
    ['..', 'must not be "." or ".."'],
    ['a/b', 'must not contain'],
    ['a\\b', 'must not contain'],
    ['a\0b', 'must not contain'],
    ['.git', 'must not start with "."'],
    ['é'.repeat(128), 'is longer than 255 bytes'],
  ])('refuses the blueprint id %p', (id, problem) => {
    expect(() => checkBlueprintId(id)).toThrow(`blueprint id ${problem}`);
  });

  it('marks hidden names as hidden, not as malformed', () => {
    expect(judgeSegment('.hidden')).toEqual({ ok: false, hidden: true, problem: 'must not start with "."' });
    expect(judgeSegment('..')).toMatchObject({ ok: false, hidden: false });
  });

  it('splits a relative path and refuses any unsafe part', () => {
    expect(checkRelativePath('sub/main.yaml', 'application file name')).toEqual(['sub', 'main.yaml']);
    expect(() => checkRelativePath('/etc/passwd', 'application file name')).toThrow('must be a relative path');
    expect(() => checkRelativePath('a//b', 'application file name')).toThrow('is empty');
    expect(() => checkRelativePath('../x', 'application file name')).toThrow('must not be "." or ".."');
  });

  it('decodes request paths per segment', () => {
    expect(parseResourceRequestPath('/blueprints/my%20bp/blueprint.yaml')).toEqual({ kind: 'file', segments: ['blueprints', 'my bp', 'blueprint.yaml'] });
    expect(() => parseResourceRequestPath('/a%2Fb')).toThrow('must not contain');
    expect(() => parseResourceRequestPath('/%2e%2e/x')).toThrow('must not be "." or ".."');
    expect(() => parseResourceRequestPath('/%E0%A4%A')).toThrow('not valid percent-encoded UTF-8');
    expect(parseResourceRequestPath('/blueprints/')).toEqual({ kind: 'not-servable' });
    expect(parseResourceRequestPath('/a/.b/c')).toEqual({ kind: 'not-servable' });
  });
});
