import { BUILTIN_TYPES_YAML } from './builtin-types';
import { DSLParsingError } from './errors';
import { type Json } from './json';
import { SourceMap } from './source-map';
import { HELLO_WORLD_FILES, NODECELLAR_FILES } from './testing';
import { loadWithLibrary, loadWithSubset, loadYaml } from './yaml-loader';

/** Everything a load gives the parser: the value (key order included), every position, non-string keys; or the error. */
function outcome(load: typeof loadYaml, text: string): string {
  const sourceMap = new SourceMap();
  let value: Json;
  try {
    value = load(text, 'f.yaml', sourceMap, 'Failed to parse DSL');
  } catch (error) {
    if (!(error instanceof DSLParsingError)) throw error;
    return `error ${error.code} ${error.message} at ${error.line ?? '-'}:${error.column ?? '-'}`;
  }
  const lines = [JSON.stringify(value)];
  const describe = (item: Json, path: string): void => {
    if (item === null || typeof item !== 'object') return;
    lines.push(`${path} at ${JSON.stringify(sourceMap.locate(item))} ${JSON.stringify(sourceMap.nonStringKey(item) ?? null)}`);
    const keys: (string | number)[] = Array.isArray(item) ? item.map((_, index) => index) : Object.keys(item);
    for (const key of keys) {
      lines.push(`${path}.${key} at ${JSON.stringify(sourceMap.locate(item, key))}`);
      describe((item as Record<string, Json>)[key] ?? null, `${path}.${String(key)}`);
    }
    lines.push(`${path} absent ${JSON.stringify([sourceMap.locate(item, 'absent'), sourceMap.locate(item, 99), sourceMap.locate(item, '0')])}`);
  };
  describe(value, '$');
  return lines.join('\n');
}

const accepts = (text: string): boolean => loadWithSubset(text, 'f.yaml', new SourceMap()) !== undefined;

const BLUEPRINT_LIKE = `# a blueprint in the styles blueprints use
tosca_definitions_version: cloudify_dsl_1_3
imports: [http://www.getcloudify.org/spec/cloudify/3.4.2/types.yaml, 'types/a.yaml']

inputs:
  port: {type: integer, default: 8080}   # the listening port
  flags: {default: [yes, no, on, off, y, n, ~, null, '', "x y"]}
node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties:
      ip: 10.0.0.1
      numbers: [010, 0x1F, 0b101, 1_000, 1:30, -1, +2, .5, 1e3, .inf, -.inf, .nan, 1.5e+3]
      when: 2001-12-14
      url: http://example.com:80/a?b=c#d
      text: it's a "quoted" value, with [brackets] and {braces}
      quoted: 'it''s # not a comment'
  app:
    type: my.App
    relationships:
      - {type: cloudify.relationships.contained_in, target: vm}
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces:
          cloudify.interfaces.relationship_lifecycle:
            establish: {implementation: scripts/link.sh, inputs: {peer: {get_property: [TARGET, ip]}}}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: scripts/create.sh
        start:
          implementation: scripts/start.sh
          inputs:
            list:
            - a
            - {b: c}
            -   d: e
                f: [g]
            empty: []
            none:
1: one
true: yes
null: nothing
"quoted key": 1
dup: first
dup: second
`;

describe('fast YAML subset loader', () => {
  it.each([
    ['a blueprint in the usual styles', BLUEPRINT_LIKE],
    ['the built-in types', BUILTIN_TYPES_YAML],
    ['a sequence root', '- a\n- b: c\n  d: e\n- [f]\n'],
    ['an indented root', '  a: 1\n  b:\n    - x\n'],
    ['no final newline', 'a: {b: [1, 2]}'],
    ['comments and blank lines anywhere', 'a:\n\n      # deep comment\n  b: 1 # trailing\n# column 0\n  c: 2\n'],
    ['anchors and aliases', 'a: &x {p: [1]}\nb: *x\nc: [*x, &y q, *y]\nd:\n  - &z\n    k: v\n  - *z\ne: &w 1\nf: &w 2\ng: *w\n'],
    ['merge keys', 'base: &b {p: 1, q: 2}\nm:\n  <<: *b\n  q: 3\nn: {<<: [*b, {r: 4}], p: 0}\no:\n  <<:\n    - {s: 5}\n'],
    ['block scalars', 'a: |\n  one\n  # not a comment\n\n  three\nb: >-\n  folded\n  text\n\n  para\nc:\n  - |+\n    kept\n\n  - > # c\n    x\nd: 1\n'],
  ])('loads %s exactly as the yaml library does', (_name, text) => {
    expect(accepts(text)).toBe(true);
    expect(outcome(loadYaml, text)).toBe(outcome(loadWithLibrary, text));
  });

  it.each([
    ['an unknown alias', 'a: *x\n'],
    ['a recursive alias', 'a: &x {b: *x}\n'],
    ['a merge of a list', 'a: &x [1]\nb: {<<: *x}\n'],
    ['an anchor on a key', '&k a: 1\n'],
    ['tags', 'a: !!str 1\n'],
    ['block scalars with an indentation indicator', 'a: |2\n   text\n'],
    ['folded lines indented beyond the content', 'a: >\n  one\n    two\n'],
    ['block scalars starting with an empty line', 'a: |\n\n  text\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['multi-line flow collections', 'a: [1,\n  2]\n'],
    ['explicit keys', '? a\n: 1\n'],
    ['escapes in double quotes', 'a: "x\\ty"\n'],
    ['document markers', '---\na: 1\n'],
    ['tabs', 'a:\t1\n'],
    ['CR line ends', 'a: 1\r\n'],
    ['non-ASCII text', 'a: caf\u00e9\n'],
    ['an empty document', '# nothing\n'],
    ['a mapping inside a value', 'a: b: c\n'],
    ['a trailing comma', 'a: [1, 2, ]\n'],
    ['an empty flow value', 'a: {b: }\n'],
    ['a pair in a flow sequence', 'a: [b: c]\n'],
    ['an empty sequence item', 'a:\n  -\n  - b\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a space before the colon', 'a : 1\n'],
  ])('declines %s', (_name, text) => {
    expect(accepts(text)).toBe(false);
    expect(outcome(loadYaml, text)).toBe(outcome(loadWithLibrary, text));
  });

  it('agrees with the yaml library on hundreds of mutations of real blueprints', () => {
    const fixtures = [BLUEPRINT_LIKE, ...Object.values(HELLO_WORLD_FILES), ...Object.values(NODECELLAR_FILES)].filter((text) => /^[a-z_]+:/m.test(text));
    const pieces = [' ', 'x', ':', ': ', '- ', '-', '#', ' #', '{', '}', '[', ']', ',', "'", '"', '&a ', '*a', '<<: *a', '!', '|', '>-', '?', '~', 'yes', '010', '1:30', '"q"', "'q''s'", '{a: 1}', '[b]', 'k: v', '  '];
    let seed = 7;
    const random = (limit: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * limit);
    };
    let accepted = 0;
    let compared = 0;
    for (const fixture of fixtures) {
      const lines = fixture.split('\n');
      for (let variant = 0; variant < 120; variant += 1) {
        const mutated = [...lines];
        for (let edit = 0; edit <= random(3); edit += 1) {
          const at = random(mutated.length);
          const line = mutated[at] ?? '';
          const column = random(line.length + 1);
          const piece = pieces[random(pieces.length)] ?? '';
          switch (random(5)) {
            case 0:
              mutated.splice(at, 1);
              break;
            case 1:
              mutated.splice(at, 0, mutated[random(mutated.length)] ?? '');
              break;
            case 2:
              mutated[at] = line.slice(0, column) + piece + line.slice(column + random(3));
              break;
            case 3:
              mutated[at] = random(2) === 0 ? `  ${line}` : line.slice(1);
              break;
            default:
              mutated[at] = line.slice(0, column) + piece + line.slice(column);
          }
        }
        const text = mutated.join('\n');
        if (accepts(text)) accepted += 1;
        compared += 1;
        expect(outcome(loadYaml, text)).toBe(outcome(loadWithLibrary, text));
      }
    }
    // The comparison only means something if the fast path took a good share of the texts.
    expect(accepted).toBeGreaterThan(compared / 5);
  }, 60_000);
});
