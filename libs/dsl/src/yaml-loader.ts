import {
  type Document,
  isAlias,
  isMap as isYamlMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node as YamlNode,
  type Pair,
  parseDocument,
  type Scalar,
  type ScalarTag,
  type Tags,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

import { DSLParsingError } from './errors';
import { type Json, type JsonMap, kindOf } from './json';
import { type LoadedContainer, type Position, type SourceMap } from './source-map';
import { keyString, loadYamlSubset, schemaOf, type YamlSchema } from './yaml-subset';

/**
 * Loads one YAML file into plain values, recording positions in `sourceMap`.
 *
 * YAML 1.1 rules apply (as with PyYAML in Cloudify 3.4): `yes`/`no` are booleans, `<<` merge keys
 * work, and a repeated key keeps its last value. Errors: syntax → -1 (`<errorPrefix>: Illegal
 * yaml; …`), an empty document → -1, a non-ASCII string → 108. `reuseParse` memoises the syntax
 * tree of a constant text (the built-in types).
 *
 * @example loadYaml('a: 1', 'blueprint.yaml', new SourceMap(), 'Failed to parse DSL') // { a: 1 }
 */
export function loadYaml(text: string, file: string, sourceMap: SourceMap, errorPrefix: string, options: { reuseParse?: boolean } = {}): Json {
  const fast = loadWithSubset(text, file, sourceMap);
  if (fast !== undefined) return fast;
  return loadWithLibrary(text, file, sourceMap, errorPrefix, options);
}

/** {@link loadYaml} with the fast subset loader only: undefined when the text is outside the subset. */
export function loadWithSubset(text: string, file: string, sourceMap: SourceMap): Json | undefined {
  return loadYamlSubset(text, file, sourceMap, subsetSchema());
}

/** {@link loadYaml} with the `yaml` library only (the reference the fast subset loader is tested against). */
export function loadWithLibrary(text: string, file: string, sourceMap: SourceMap, errorPrefix: string, options: { reuseParse?: boolean } = {}): Json {
  const { doc, lineCounter } = options.reuseParse ? cachedParse(text) : parse(text);
  const firstError = doc.errors[0];
  if (firstError) {
    const at = lineCounter.linePos(firstError.pos[0]);
    throw new DSLParsingError(-1, `${errorPrefix}: Illegal yaml; ${firstError.message}`, {
      file,
      line: at.line,
      column: at.col,
      path: '',
    });
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new DSLParsingError(-1, `${errorPrefix}: Empty yaml`, { file, line: 1, column: 1, path: '' });
  }
  return new Converter(doc, file, lineCounter, sourceMap, errorPrefix).convert(doc.contents as YamlNode);
}

const BOOL_TAG = 'tag:yaml.org,2002:bool';
const PYYAML_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PYYAML_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

/**
 * YAML 1.1 booleans as PyYAML resolves them: the yaml library also reads `y`/`n` as booleans,
 * PyYAML does not, and node names like `n` must stay strings.
 */
function pyyamlBooleans(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || tag.tag !== BOOL_TAG || !('test' in tag) || !tag.test) return tag;
    const scalarTag = tag as ScalarTag;
    return { ...scalarTag, test: scalarTag.identify?.(true) ? PYYAML_TRUE : PYYAML_FALSE };
  });
}

interface ParsedText {
  doc: Document;
  lineCounter: LineCounter;
}

const PARSE_OPTIONS = {
  version: '1.1',
  uniqueKeys: false,
  merge: true,
  prettyErrors: false,
  customTags: pyyamlBooleans,
} as const;

function parse(text: string): ParsedText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...PARSE_OPTIONS, lineCounter });
  return { doc, lineCounter };
}

let schema: YamlSchema | undefined;

/** Plain scalars of the subset loader resolve with the schema of a document parsed as {@link parse} does. */
function subsetSchema(): YamlSchema {
  schema ??= schemaOf(parseDocument('{}', PARSE_OPTIONS));
  return schema;
}

/**
 * Parse results of constant texts (the built-in types), reused because every blueprint imports
 * them. Conversion only reads the syntax tree, so sharing it is safe.
 */
const parsedConstants = new Map<string, ParsedText>();

function cachedParse(text: string): ParsedText {
  let parsed = parsedConstants.get(text);
  if (!parsed) {
    parsed = parse(text);
    parsedConstants.set(text, parsed);
  }
  return parsed;
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 0x7f) return false;
  return true;
}

/** Turns offsets of one loaded file into positions. */
class SourceText {
  constructor(
    readonly file: string,
    private readonly lineCounter: LineCounter,
  ) {}

  position(node: YamlNode | null | undefined): Position {
    const at = this.lineCounter.linePos(node?.range?.[0] ?? 0);
    return { file: this.file, line: at.line, column: at.col };
  }
}

/** A loaded list: item positions are the items' own. */
class LoadedSeq implements LoadedContainer {
  constructor(
    private readonly source: SourceText,
    private readonly node: YAMLSeq,
  ) {}

  own(): Position {
    return this.source.position(this.node);
  }

  child(key: string | number): Position | undefined {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= this.node.items.length) return undefined;
    return this.source.position(this.node.items[key] as YamlNode | null);
  }
}

/**
 * A loaded map: an entry is located at its key (its value when the key is empty), the last one
 * when a key repeats, as the value kept is the last one. Keys that are not plain string scalars
 * (numbers, aliases, collections) are recorded with their converted text while loading.
 */
class LoadedMap implements LoadedContainer {
  convertedKeys: Map<Pair, string> | undefined;

  constructor(
    private readonly source: SourceText,
    private readonly node: YAMLMap,
  ) {}

  own(): Position {
    return this.source.position(this.node);
  }

  child(key: string | number): Position | undefined {
    if (typeof key !== 'string') return undefined;
    const items = this.node.items;
    for (let index = items.length - 1; index >= 0; index -= 1) {
      const pair = items[index];
      if (!pair) continue;
      const keyNode = pair.key as YamlNode | null;
      if (isScalar(keyNode) && isMergeKey(keyNode)) continue;
      const text = this.convertedKeys?.get(pair) ?? (isScalar(keyNode) && typeof keyNode.value === 'string' ? keyNode.value : undefined);
      if (text === key) return this.source.position(keyNode ?? (pair.value as YamlNode | null));
    }
    return undefined;
  }
}

function isMergeKey(node: Scalar): boolean {
  return typeof node.value === 'symbol' || (node.value === '<<' && node.type === 'PLAIN');
}

class Converter {
  private readonly anchored = new Map<YamlNode, Json>();
  private readonly inProgress = new Set<YamlNode>();
  private readonly source: SourceText;

  constructor(
    private readonly doc: Document,
    file: string,
    lineCounter: LineCounter,
    private readonly sourceMap: SourceMap,
    private readonly errorPrefix: string,
  ) {
    this.source = new SourceText(file, lineCounter);
  }

  convert(node: YamlNode): Json {
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) throw this.syntaxError(node, `Unknown alias ${node.source}`);
      if (this.inProgress.has(target)) throw this.syntaxError(node, `Recursive alias ${node.source}`);
      return this.convert(target);
    }
    // Only anchored nodes can be alias targets, so only they are cached and tracked for recursion.
    if (!(node as { anchor?: string }).anchor) return this.convertNode(node);
    const cached = this.anchored.get(node);
    if (cached !== undefined) return cached;
    this.inProgress.add(node);
    try {
      const value = this.convertNode(node);
      // Aliases share the converted value, as PyYAML shares the constructed object.
      this.anchored.set(node, value);
      return value;
    } finally {
      this.inProgress.delete(node);
    }
  }

  private convertNode(node: YamlNode): Json {
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) {
      const list: Json[] = [];
      this.sourceMap.setLoaded(list, new LoadedSeq(this.source, node));
      for (const item of node.items) {
        const itemNode = item as YamlNode | null;
        list.push(itemNode ? this.convert(itemNode) : null);
      }
      return list;
    }
    if (isYamlMap(node)) {
      const map: JsonMap = {};
      const loaded = new LoadedMap(this.source, node);
      this.sourceMap.setLoaded(map, loaded);
      let merges: YamlNode[] | undefined;
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const valueNode = pair.value as YamlNode | null;
        let key: string;
        if (isScalar(keyNode) && typeof keyNode.value === 'string' && !keyNode.anchor) {
          // The common case: a plain string key, converted inline.
          if (keyNode.value === '<<' && keyNode.type === 'PLAIN') {
            if (valueNode) (merges ??= []).push(valueNode);
            continue;
          }
          key = this.string(keyNode, keyNode.value);
        } else {
          if (isScalar(keyNode) && isMergeKey(keyNode)) {
            if (valueNode) (merges ??= []).push(valueNode);
            continue;
          }
          const rawKey = keyNode ? this.convert(keyNode) : null;
          key = typeof rawKey === 'string' ? rawKey : keyString(rawKey);
          if (typeof rawKey !== 'string') this.sourceMap.setNonStringKey(map, key, kindOf(rawKey));
          (loaded.convertedKeys ??= new Map()).set(pair, key);
        }
        map[key] = valueNode ? this.convert(valueNode) : null;
      }
      if (merges) for (const source of merges) this.applyMerge(map, source);
      return map;
    }
    throw this.syntaxError(node, 'Unsupported YAML node');
  }

  /** `<<: *anchor` or `<<: [*a, *b]`: keys already present win, earlier sources win over later ones. */
  private applyMerge(map: JsonMap, source: YamlNode): void {
    const value = this.convert(source);
    const sources = Array.isArray(value) ? value : [value];
    for (const item of sources) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw this.syntaxError(source, 'Merge sources must be maps or map aliases');
      }
      for (const [key, itemValue] of Object.entries(item)) {
        if (Object.prototype.hasOwnProperty.call(map, key)) continue;
        map[key] = itemValue;
        this.sourceMap.copyChild(item, key, map);
      }
    }
  }

  private scalar(node: Scalar): Json {
    const value: unknown = node.value;
    if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
    if (typeof value === 'string') return this.string(node, value);
    if (typeof value === 'bigint') return Number(value);
    // Timestamps, binary and other YAML 1.1 extras: keep the text as written.
    return typeof node.source === 'string' ? node.source : String(value);
  }

  private string(node: Scalar, value: string): string {
    if (isAscii(value)) return value;
    const at = this.source.position(node);
    throw new DSLParsingError(108, `illegal characters in line: ${at.line}, column: ${at.column}. Only valid ascii chars are supported.`, {
      file: at.file,
      line: at.line,
      column: at.column,
      path: '',
    });
  }

  private syntaxError(node: YamlNode, detail: string): DSLParsingError {
    const at = this.source.position(node);
    return new DSLParsingError(-1, `${this.errorPrefix}: Illegal yaml; ${detail}`, {
      file: at.file,
      line: at.line,
      column: at.column,
      path: '',
    });
  }
}
