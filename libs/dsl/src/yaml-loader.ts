import {
  type Document,
  isAlias,
  isMap as isYamlMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node as YamlNode,
  parseDocument,
  type Scalar,
  type ScalarTag,
  type Tags,
} from 'yaml';

import { DSLParsingError } from './errors';
import { type Json, type JsonMap, kindOf } from './json';
import { type Position, type SourceMap } from './source-map';

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

function parse(text: string): ParsedText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    lineCounter,
    uniqueKeys: false,
    merge: true,
    prettyErrors: false,
    customTags: pyyamlBooleans,
  });
  return { doc, lineCounter };
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

class Converter {
  private readonly anchored = new Map<YamlNode, Json>();
  private readonly inProgress = new Set<YamlNode>();

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly lineCounter: LineCounter,
    private readonly sourceMap: SourceMap,
    private readonly errorPrefix: string,
  ) {}

  position(node: YamlNode | null | undefined): Position {
    const offset = node?.range?.[0] ?? 0;
    const at = this.lineCounter.linePos(offset);
    return { file: this.file, line: at.line, column: at.col };
  }

  convert(node: YamlNode): Json {
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) throw this.syntaxError(node, `Unknown alias ${node.source}`);
      if (this.inProgress.has(target)) throw this.syntaxError(node, `Recursive alias ${node.source}`);
      return this.convert(target);
    }
    const cached = this.anchored.get(node);
    if (cached !== undefined) return cached;
    this.inProgress.add(node);
    try {
      const value = this.convertNode(node);
      // Aliases share the converted value, as PyYAML shares the constructed object.
      if ((node as { anchor?: string }).anchor) this.anchored.set(node, value);
      return value;
    } finally {
      this.inProgress.delete(node);
    }
  }

  private convertNode(node: YamlNode): Json {
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) {
      const list: Json[] = [];
      this.sourceMap.setContainer(list, this.position(node));
      node.items.forEach((item, index) => {
        const itemNode = item as YamlNode | null;
        this.sourceMap.setChild(list, index, this.position(itemNode));
        list.push(itemNode ? this.convert(itemNode) : null);
      });
      return list;
    }
    if (isYamlMap(node)) {
      const map: JsonMap = {};
      this.sourceMap.setContainer(map, this.position(node));
      const merges: YamlNode[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const valueNode = pair.value as YamlNode | null;
        if (isScalar(keyNode) && this.isMergeKey(keyNode)) {
          if (valueNode) merges.push(valueNode);
          continue;
        }
        const rawKey = keyNode ? this.convert(keyNode) : null;
        const key = typeof rawKey === 'string' ? rawKey : keyString(rawKey);
        if (typeof rawKey !== 'string') this.sourceMap.setNonStringKey(map, key, kindOf(rawKey));
        this.sourceMap.setChild(map, key, this.position(keyNode ?? valueNode));
        map[key] = valueNode ? this.convert(valueNode) : null;
      }
      for (const source of merges) this.applyMerge(map, source);
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

  private isMergeKey(node: Scalar): boolean {
    return typeof node.value === 'symbol' || (node.value === '<<' && node.type === 'PLAIN');
  }

  private scalar(node: Scalar): Json {
    const value: unknown = node.value;
    if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
    if (typeof value === 'string') {
      if (!isAscii(value)) {
        const at = this.position(node);
        throw new DSLParsingError(
          108,
          `illegal characters in line: ${at.line}, column: ${at.column}. Only valid ascii chars are supported.`,
          { file: this.file, line: at.line, column: at.column, path: '' },
        );
      }
      return value;
    }
    if (typeof value === 'bigint') return Number(value);
    // Timestamps, binary and other YAML 1.1 extras: keep the text as written.
    return typeof node.source === 'string' ? node.source : String(value);
  }

  private syntaxError(node: YamlNode, detail: string): DSLParsingError {
    const at = this.position(node);
    return new DSLParsingError(-1, `${this.errorPrefix}: Illegal yaml; ${detail}`, {
      file: this.file,
      line: at.line,
      column: at.column,
      path: '',
    });
  }
}

function keyString(value: Json): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
