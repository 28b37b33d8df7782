import { type Document, isScalar, LineCounter, type ScalarTag } from 'yaml';

import { type Json, type JsonMap, kindOf } from './json';
import { type LoadedContainer, type Position, type SourceMap } from './source-map';

/**
 * A fast loader for the plain subset of YAML that blueprints are written in; `undefined` for
 * anything outside it, which the caller then loads with the `yaml` library.
 *
 * Why hand-written: the `yaml` library builds a concrete syntax tree and a document model through
 * nested generators, which took about half of parse + plan for a 200-node blueprint (see bench/).
 * This loader covers only what it can load exactly as `yaml` does, values and positions alike:
 * block maps and sequences (compact `- key: value` items included), single-line flow collections,
 * single-line plain and quoted scalars (double-quoted without escapes), literal and folded block
 * scalars, anchors, aliases and merge keys on values, and comments. Anything else (tags,
 * multi-line plain or quoted scalars, multi-line flow collections, explicit keys, anchors on keys,
 * document markers, directives, tabs, CR, non-ASCII text, and every syntax error) is declined. Plain
 * scalars are resolved with the tags of the very schema the `yaml` library uses, so `yes`, `010`,
 * `1_000` or `2001-12-14` mean the same on both paths. Its equivalence is tested against the
 * library on fixtures and on mutations of them (yaml-subset.spec.ts).
 */
export function loadYamlSubset(text: string, file: string, sourceMap: SourceMap, schema: YamlSchema): Json | undefined {
  try {
    return new SubsetParser(text, file, sourceMap, schema).parse();
  } catch (error) {
    if (error === OUTSIDE_SUBSET) return undefined;
    throw error;
  }
}

/** The scalar resolution of a `yaml` document: its schema's tags and the options they resolve with. */
export interface YamlSchema {
  tags: readonly ScalarTag[];
  options: Document['options'];
}

/** The schema and options `yaml` resolves plain scalars with, taken from a document parsed the same way. */
export function schemaOf(doc: Document): YamlSchema {
  const tags = doc.schema.tags.filter((tag): tag is ScalarTag => !('collection' in tag && tag.collection !== undefined));
  return { tags, options: doc.options };
}

class OutsideSubset extends Error {}
/** Thrown (once created, never captured per use) to abandon the fast path. */
const OUTSIDE_SUBSET = new OutsideSubset('outside the YAML subset');

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const COMMA = 0x2c;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_SEQ = 0x5b;
const CLOSE_SEQ = 0x5d;
const OPEN_MAP = 0x7b;
const CLOSE_MAP = 0x7d;
/** YAML's implicit keys are limited to 1024 characters; stay well inside. */
const MAX_KEY_LENGTH = 1000;

/** Stands for the merge key in the resolved-key cache (a string no YAML key resolves to). */
const MERGE_KEY = '\u0000<<';

/** Anchor and alias names: a conservative part of what YAML allows. */
function isAnchorChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code === DASH || code === 0x2e;
}

function isBlockScalarIndicator(code: number): boolean {
  return code === 0x7c || code === 0x3e;
}

function isFlowIndicator(code: number): boolean {
  return code === COMMA || code === OPEN_SEQ || code === CLOSE_SEQ || code === OPEN_MAP || code === CLOSE_MAP;
}

/** Characters that may not start a plain scalar here: YAML's indicators, except `-` handled apart. */
function isIndicator(code: number): boolean {
  switch (code) {
    case 0x3f: // ?
    case COLON:
    case COMMA:
    case OPEN_SEQ:
    case CLOSE_SEQ:
    case OPEN_MAP:
    case CLOSE_MAP:
    case HASH:
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case SINGLE_QUOTE:
    case DOUBLE_QUOTE:
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
      return true;
    default:
      return false;
  }
}

/** Offsets of one loaded file, turned into positions when asked (errors only). */
class SubsetSource {
  private lineCounter: LineCounter | undefined;

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {}

  position(offset: number): Position {
    if (!this.lineCounter) {
      // Every line start, as the yaml library's parser records them, so lines and columns agree.
      const counter = new LineCounter();
      counter.addNewLine(0);
      for (let index = this.text.indexOf('\n'); index >= 0; index = this.text.indexOf('\n', index + 1)) counter.addNewLine(index + 1);
      this.lineCounter = counter;
    }
    const at = this.lineCounter.linePos(offset);
    return { file: this.file, line: at.line, column: at.col };
  }
}

/** A loaded map: its own offset and, in document order, each entry's key and key offset. */
class SubsetMap implements LoadedContainer {
  readonly keys: string[] = [];
  readonly offsets: number[] = [];

  constructor(
    private readonly source: SubsetSource,
    private readonly offset: number,
  ) {}

  own(): Position {
    return this.source.position(this.offset);
  }

  child(key: string | number): Position | undefined {
    if (typeof key !== 'string') return undefined;
    // The last entry wins when a key repeats, as its value is the one kept.
    for (let index = this.keys.length - 1; index >= 0; index -= 1) {
      if (this.keys[index] === key) return this.source.position(this.offsets[index] ?? 0);
    }
    return undefined;
  }
}

/** A loaded list: its own offset and each item's. */
class SubsetSeq implements LoadedContainer {
  readonly offsets: number[] = [];

  constructor(
    private readonly source: SubsetSource,
    private readonly offset: number,
  ) {}

  own(): Position {
    return this.source.position(this.offset);
  }

  child(key: string | number): Position | undefined {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= this.offsets.length) return undefined;
    return this.source.position(this.offsets[key] ?? 0);
  }
}

/** A key as loaded: its text, and the kind of a key that was not a string in the YAML. */
interface LoadedKey {
  key: string;
  nonString: string | undefined;
  /** The merge key `<<`: its value's maps are merged into the map, not stored under it. */
  merge: boolean;
}

/** An anchor whose node is still being read (an alias to it would be recursive). */
const IN_PROGRESS = Symbol('anchor in progress');

/**
 * Recursive descent over content lines (blank and comment-only lines are skipped up front). Block
 * collections are delimited by indentation; a line whose indentation fits no open collection, or
 * any construct not described above, abandons the fast path.
 */
class SubsetParser {
  private readonly source: SubsetSource;
  /** Per content line: offset of the first non-space character, indentation, end (before `\n`). */
  private readonly starts: number[] = [];
  private readonly indents: number[] = [];
  private readonly ends: number[] = [];
  private line = 0;
  /** Scratch result of the inline readers: the offset after what they read. */
  private next = 0;
  /** Scratch result of the value readers: where the value's node starts (after an anchor). */
  private valueOffset = 0;
  /** Anchored values by name; an alias takes the last one defined before it, as `yaml` resolves them. */
  private readonly anchors = new Map<string, Json | typeof IN_PROGRESS>();
  /** Plain scalars repeat a lot (keys, type names); their resolved values are primitives, safe to share. */
  private readonly resolvedKeys = new Map<string, Json>();
  private readonly resolvedValues = new Map<string, Json>();

  constructor(
    private readonly text: string,
    file: string,
    private readonly sourceMap: SourceMap,
    private readonly schema: YamlSchema,
  ) {
    this.source = new SubsetSource(file, text);
  }

  parse(): Json {
    this.scanLines();
    if (this.starts.length === 0) throw OUTSIDE_SUBSET;
    const root = this.block(this.indents[0] ?? 0);
    if (this.line < this.starts.length) throw OUTSIDE_SUBSET;
    return root;
  }

  /** Splits the text into content lines; declines characters the subset never contains. */
  private scanLines(): void {
    const text = this.text;
    let lineStart = 0;
    while (lineStart <= text.length) {
      let end = text.indexOf('\n', lineStart);
      if (end < 0) end = text.length;
      let start = lineStart;
      while (start < end && text.charCodeAt(start) === SPACE) start += 1;
      for (let index = start; index < end; index += 1) {
        const code = text.charCodeAt(index);
        if (code < SPACE || code > 0x7e) throw OUTSIDE_SUBSET; // tabs, CR, control and non-ASCII characters
      }
      if (start < end && text.charCodeAt(start) !== HASH) {
        // Document markers (directives start with `%`, which no key or value here may).
        if (start === lineStart && (text.startsWith('---', start) || text.startsWith('...', start))) throw OUTSIDE_SUBSET;
        this.starts.push(start);
        this.indents.push(start - lineStart);
        this.ends.push(end);
      }
      lineStart = end + 1;
    }
  }

  private block(indent: number): Json {
    return this.isSeqItem(this.line) ? this.seq(indent) : this.map(indent, this.starts[this.line] ?? 0);
  }

  private isSeqItem(line: number): boolean {
    const start = this.starts[line] ?? 0;
    if (this.text.charCodeAt(start) !== DASH) return false;
    return start + 1 === this.ends[line] || this.text.charCodeAt(start + 1) === SPACE;
  }

  /** A block map whose first key starts at `first` on the current line, its entries at column `indent`. */
  private map(indent: number, first: number): JsonMap {
    const map: JsonMap = {};
    const loaded = new SubsetMap(this.source, first);
    this.sourceMap.setLoaded(map, loaded);
    let merges: Json[] | undefined;
    let at = first;
    for (;;) {
      const end = this.ends[this.line] ?? 0;
      const { key, nonString, merge } = this.blockKey(at, end);
      const value = this.blockValue(this.skipSpaces(this.next, end), end, indent, true);
      if (merge) {
        (merges ??= []).push(value);
      } else {
        if (nonString !== undefined) this.sourceMap.setNonStringKey(map, key, nonString);
        map[key] = value;
        loaded.keys.push(key);
        loaded.offsets.push(at);
      }
      const indentNext = this.indents[this.line];
      if (indentNext === undefined || indentNext < indent) break;
      if (indentNext > indent || this.isSeqItem(this.line)) throw OUTSIDE_SUBSET;
      at = this.starts[this.line] ?? 0;
    }
    if (merges) this.merge(map, merges);
    return map;
  }

  /**
   * The value of a block map entry or sequence item, from `position` (after `key:` or `- `) on the
   * current line: an optional anchor, then an alias, a block scalar, an inline value, or nothing
   * on this line and a block collection below (a sequence may sit at the map's own column).
   * Sets `this.valueOffset` to where the value's node starts and moves past the value.
   */
  private blockValue(position: number, end: number, indent: number, inMap: boolean): Json {
    let at = position;
    const anchor = this.text.charCodeAt(at) === 0x26 ? this.anchorName(at, end) : undefined;
    if (anchor !== undefined) {
      at = this.skipSpaces(this.next, end);
      this.beginAnchor(anchor);
    }
    let value: Json;
    let offset = at;
    if (at === end || (this.text.charCodeAt(at) === HASH && this.isComment(at))) {
      this.line += 1;
      const indentBelow = this.indents[this.line];
      offset = this.starts[this.line] ?? 0;
      if (indentBelow !== undefined && indentBelow > indent) value = this.block(indentBelow);
      else if (inMap && indentBelow === indent && this.isSeqItem(this.line)) value = this.seq(indent);
      else if (inMap && anchor === undefined) value = null;
      else throw OUTSIDE_SUBSET; // an empty (or anchored empty) value
    } else if (isBlockScalarIndicator(this.text.charCodeAt(at))) {
      value = this.blockScalar(at, end, indent);
    } else {
      const code = this.text.charCodeAt(at);
      if (anchor !== undefined && (code === 0x2a || code === 0x26 || (code !== OPEN_SEQ && code !== OPEN_MAP && this.isKeyAt(at, end)))) {
        throw OUTSIDE_SUBSET; // an alias or a second anchor after an anchor, or an anchor before an implicit key
      }
      value = this.inline(at, end, false);
      const after = this.skipSpaces(this.next, end);
      if (after !== end && !this.isComment(after)) throw OUTSIDE_SUBSET;
      this.line += 1;
      if ((this.indents[this.line] ?? -1) > indent) throw OUTSIDE_SUBSET; // a continuation line
    }
    if (anchor !== undefined) this.anchors.set(anchor, value);
    this.valueOffset = offset;
    return value;
  }

  /** Reads `&name` at `at`; `this.next` is set after the name. */
  private anchorName(at: number, end: number): string {
    let stop = at + 1;
    while (stop < end && isAnchorChar(this.text.charCodeAt(stop))) stop += 1;
    if (stop === at + 1 || (stop < end && this.text.charCodeAt(stop) !== SPACE)) throw OUTSIDE_SUBSET;
    this.next = stop;
    return this.text.slice(at + 1, stop);
  }

  private beginAnchor(name: string): void {
    // A redefinition inside the node it names would make later aliases ambiguous here.
    if (this.anchors.get(name) === IN_PROGRESS) throw OUTSIDE_SUBSET;
    this.anchors.set(name, IN_PROGRESS);
  }

  /** Reads `*name` at `at` and returns the anchored value itself (aliases share it, as the loader does). */
  private alias(at: number, end: number, inFlow: boolean): Json {
    let stop = at + 1;
    while (stop < end && isAnchorChar(this.text.charCodeAt(stop))) stop += 1;
    const following = stop < end ? this.text.charCodeAt(stop) : SPACE;
    if (stop === at + 1 || !(following === SPACE || (inFlow && isFlowIndicator(following)))) throw OUTSIDE_SUBSET;
    const value = this.anchors.get(this.text.slice(at + 1, stop));
    if (value === undefined || value === IN_PROGRESS) throw OUTSIDE_SUBSET; // unknown or recursive
    this.next = stop;
    return value;
  }

  /**
   * Applies the map's merge keys after its own entries, as the loader does: each source (a map or
   * a list of maps) gives the keys the map does not have yet, located where the source has them.
   */
  private merge(map: JsonMap, merges: readonly Json[]): void {
    for (const value of merges) {
      for (const source of Array.isArray(value) ? value : [value]) {
        if (typeof source !== 'object' || source === null || Array.isArray(source)) throw OUTSIDE_SUBSET;
        for (const key of Object.keys(source)) {
          if (Object.prototype.hasOwnProperty.call(map, key)) continue;
          map[key] = source[key] ?? null;
          this.sourceMap.copyChild(source, key, map);
        }
      }
    }
  }

  /** A block sequence at column `indent` (the current line is one of its `- ` items). */
  private seq(indent: number): Json[] {
    const list: Json[] = [];
    const loaded = new SubsetSeq(this.source, this.starts[this.line] ?? 0);
    this.sourceMap.setLoaded(list, loaded);
    for (;;) {
      const start = this.starts[this.line] ?? 0;
      const end = this.ends[this.line] ?? 0;
      const content = this.skipSpaces(start + 1, end);
      if (content < end && this.text.charCodeAt(content) === DASH && (content + 1 === end || this.text.charCodeAt(content + 1) === SPACE)) {
        throw OUTSIDE_SUBSET; // a sequence in a sequence item
      }
      let item: Json;
      let offset = content;
      const code = this.text.charCodeAt(content);
      if (content < end && code !== 0x26 && code !== 0x2a && code !== HASH && this.isKeyAt(content, end)) {
        item = this.map(indent + (content - start), content);
      } else {
        item = this.blockValue(content, end, indent, false);
        offset = this.valueOffset;
      }
      list.push(item);
      loaded.offsets.push(offset);
      const indentNext = this.indents[this.line];
      if (indentNext === undefined || indentNext < indent) return list;
      if (indentNext > indent) throw OUTSIDE_SUBSET;
      if (!this.isSeqItem(this.line)) return list; // the map holding this sequence continues
    }
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar whose header starts at `start`, inside a collection
   * at column `parentIndent`, with an optional chomping indicator; the content's indentation is
   * that of its first line. Not covered: indentation indicators, leading empty lines, and folded
   * lines indented beyond the content (they keep their line breaks). Moves past the content.
   */
  private blockScalar(start: number, end: number, parentIndent: number): string {
    const text = this.text;
    const folded = text.charCodeAt(start) === 0x3e;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    let at = start + 1;
    const indicator = text.charCodeAt(at);
    if (indicator === DASH || indicator === 0x2b) {
      chomp = indicator === DASH ? 'strip' : 'keep';
      at += 1;
    }
    if (at < end && text.charCodeAt(at) !== SPACE) throw OUTSIDE_SUBSET; // an indentation indicator or other text
    at = this.skipSpaces(at, end);
    if (at !== end && !this.isComment(at)) throw OUTSIDE_SUBSET;
    // The content lines, read from the text itself: they may look like comments or be blank.
    const lines: string[] = [];
    let indent = -1;
    let lineStart = end + 1;
    let trailingEmpty = 0;
    while (lineStart < text.length) {
      const lineEnd = text.indexOf('\n', lineStart);
      let first = lineStart;
      while (first < text.length && text.charCodeAt(first) === SPACE) first += 1;
      const spaces = first - lineStart;
      if (first < text.length && spaces < indent && first !== lineEnd) break; // a less indented line ends the scalar
      if (lineEnd < 0) throw OUTSIDE_SUBSET; // the text ends inside the scalar without a line break
      if (first === lineEnd) {
        if (indent < 0) throw OUTSIDE_SUBSET; // a leading empty line
        if (spaces > indent) throw OUTSIDE_SUBSET; // an empty line that keeps spaces
        trailingEmpty += 1;
      } else {
        if (indent < 0) {
          if (spaces <= parentIndent) throw OUTSIDE_SUBSET; // empty content
          indent = spaces;
        }
        if (folded && spaces > indent) throw OUTSIDE_SUBSET;
        for (let empty = 0; empty < trailingEmpty; empty += 1) lines.push('');
        trailingEmpty = 0;
        lines.push(text.slice(lineStart + indent, lineEnd));
      }
      lineStart = lineEnd + 1;
    }
    if (indent < 0) throw OUTSIDE_SUBSET;
    // Continue with the first content line after the scalar (`lineStart` is where it stopped).
    while (this.line < this.starts.length && (this.starts[this.line] ?? 0) < lineStart) this.line += 1;
    let body: string;
    if (folded) {
      body = '';
      let pendingBreaks = -1;
      for (const line of lines) {
        if (line === '') {
          pendingBreaks += 1;
          continue;
        }
        if (pendingBreaks >= 0) body += pendingBreaks === 0 ? ' ' : '\n'.repeat(pendingBreaks);
        body += line;
        pendingBreaks = 0;
      }
    } else {
      body = lines.join('\n');
    }
    if (chomp === 'strip') return body;
    if (chomp === 'clip') return `${body}\n`;
    return `${body}\n${'\n'.repeat(trailingEmpty)}`;
  }

  private isComment(position: number): boolean {
    return this.text.charCodeAt(position) === HASH && this.text.charCodeAt(position - 1) === SPACE;
  }

  private skipSpaces(position: number, end: number): number {
    let at = position;
    while (at < end && this.text.charCodeAt(at) === SPACE) at += 1;
    return at;
  }

  /** Whether a block key (`key:` followed by a space or the line end) starts at `start`. */
  private isKeyAt(start: number, end: number): boolean {
    const code = this.text.charCodeAt(start);
    if (code === SINGLE_QUOTE || code === DOUBLE_QUOTE) {
      const close = this.quotedEnd(start, end);
      return close > 0 && close < end && this.text.charCodeAt(close) === COLON && (close + 1 === end || this.text.charCodeAt(close + 1) === SPACE);
    }
    if (code === OPEN_SEQ || code === OPEN_MAP) return false;
    return this.plainKeyColon(start, end) >= 0;
  }

  /** The colon ending a plain block key at `start`, or -1 (a comment or the line end comes first). */
  private plainKeyColon(start: number, end: number): number {
    for (let index = start; index < end; index += 1) {
      const code = this.text.charCodeAt(index);
      if (code === COLON && (index + 1 === end || this.text.charCodeAt(index + 1) === SPACE)) return index;
      if (code === HASH && index > start && this.text.charCodeAt(index - 1) === SPACE) return -1;
    }
    return -1;
  }

  /** Reads `key:` at `start`; `this.next` is set after the colon. */
  private blockKey(start: number, end: number): LoadedKey {
    const code = this.text.charCodeAt(start);
    if (code === SINGLE_QUOTE || code === DOUBLE_QUOTE) {
      const key = this.quoted(start, end);
      const colon = this.next;
      if (this.text.charCodeAt(colon) !== COLON || (colon + 1 !== end && this.text.charCodeAt(colon + 1) !== SPACE)) throw OUTSIDE_SUBSET;
      this.next = colon + 1;
      return { key, nonString: undefined, merge: false };
    }
    const colon = this.plainKeyColon(start, end);
    if (colon < 0 || colon === start || colon - start > MAX_KEY_LENGTH) throw OUTSIDE_SUBSET;
    if (this.text.charCodeAt(colon - 1) === SPACE) throw OUTSIDE_SUBSET;
    this.checkPlainStart(start, end, false);
    this.next = colon + 1;
    return this.plainKey(this.text.slice(start, colon));
  }

  /** A flow key or value, or a block value that fits on its line; `this.next` is set after it. */
  private inline(start: number, end: number, inFlow: boolean): Json {
    const code = this.text.charCodeAt(start);
    if (code === 0x26 && inFlow) {
      const anchor = this.anchorName(start, end);
      const at = this.skipSpaces(this.next, end);
      const following = this.text.charCodeAt(at);
      if (at >= end || isFlowIndicator(following) || following === 0x26 || following === 0x2a) throw OUTSIDE_SUBSET;
      this.beginAnchor(anchor);
      const value = this.inline(at, end, true);
      this.anchors.set(anchor, value);
      return value;
    }
    let value: Json;
    if (code === 0x2a) value = this.alias(start, end, inFlow);
    else if (code === OPEN_SEQ) value = this.flowSeq(start, end);
    else if (code === OPEN_MAP) value = this.flowMap(start, end);
    else if (code === SINGLE_QUOTE || code === DOUBLE_QUOTE) value = this.quoted(start, end);
    else {
      this.checkPlainStart(start, end, inFlow);
      value = inFlow ? this.flowPlain(start, end, false) : this.blockPlain(start, end);
    }
    // Set last: nested values set it too.
    this.valueOffset = start;
    return value;
  }

  private checkPlainStart(start: number, end: number, inFlow: boolean): void {
    const code = this.text.charCodeAt(start);
    if (code === DASH) {
      const following = start + 1 < end ? this.text.charCodeAt(start + 1) : SPACE;
      if (following === SPACE || (inFlow && isFlowIndicator(following))) throw OUTSIDE_SUBSET;
      return;
    }
    if (isIndicator(code)) throw OUTSIDE_SUBSET;
  }

  /** A plain block value: to the line end or a comment; `: ` inside or a trailing `:` would be a mapping. */
  private blockPlain(start: number, end: number): Json {
    let stop = end;
    for (let index = start; index < end; index += 1) {
      const code = this.text.charCodeAt(index);
      if (code === HASH && this.text.charCodeAt(index - 1) === SPACE) {
        stop = index;
        break;
      }
      if (code === COLON && (index + 1 === end || this.text.charCodeAt(index + 1) === SPACE)) throw OUTSIDE_SUBSET;
    }
    let last = stop;
    while (this.text.charCodeAt(last - 1) === SPACE) last -= 1;
    this.next = stop;
    return this.plainValue(this.text.slice(start, last));
  }

  /**
   * A plain flow scalar: up to a flow indicator, a comment, or a `:` that separates a key. As a key
   * (`asKey`) it must end at such a `:`; elsewhere that `:` is outside the subset.
   */
  private flowPlain(start: number, end: number, asKey: boolean): string | Json {
    let stop = end;
    let colon = false;
    for (let index = start; index < end; index += 1) {
      const code = this.text.charCodeAt(index);
      if (isFlowIndicator(code)) {
        stop = index;
        break;
      }
      if (code === HASH && this.text.charCodeAt(index - 1) === SPACE) throw OUTSIDE_SUBSET; // a comment inside a flow collection
      if (code === COLON) {
        const following = index + 1 < end ? this.text.charCodeAt(index + 1) : SPACE;
        if (following === SPACE || isFlowIndicator(following)) {
          stop = index;
          colon = true;
          break;
        }
      }
    }
    if (colon !== asKey) throw OUTSIDE_SUBSET;
    let last = stop;
    while (this.text.charCodeAt(last - 1) === SPACE) last -= 1;
    if (last === start) throw OUTSIDE_SUBSET;
    this.next = stop;
    return asKey ? this.text.slice(start, last) : this.plainValue(this.text.slice(start, last));
  }

  /** A single-line quoted scalar (double-quoted without escapes); `this.next` is set after the closing quote. */
  private quoted(start: number, end: number): string {
    const close = this.quotedEnd(start, end);
    if (close < 0) throw OUTSIDE_SUBSET;
    this.next = close;
    const body = this.text.slice(start + 1, close - 1);
    return this.text.charCodeAt(start) === SINGLE_QUOTE ? body.replaceAll("''", "'") : body;
  }

  /** Offset after the closing quote of the scalar at `start`, or -1 when it is not on this line or needs escapes. */
  private quotedEnd(start: number, end: number): number {
    const quote = this.text.charCodeAt(start);
    for (let index = start + 1; index < end; index += 1) {
      const code = this.text.charCodeAt(index);
      if (code === BACKSLASH && quote === DOUBLE_QUOTE) return -1;
      if (code !== quote) continue;
      if (quote === SINGLE_QUOTE && this.text.charCodeAt(index + 1) === SINGLE_QUOTE && index + 1 < end) {
        index += 1;
        continue;
      }
      return index + 1;
    }
    return -1;
  }

  private flowSeq(start: number, end: number): Json[] {
    const list: Json[] = [];
    const loaded = new SubsetSeq(this.source, start);
    this.sourceMap.setLoaded(list, loaded);
    let at = this.skipSpaces(start + 1, end);
    if (this.text.charCodeAt(at) === CLOSE_SEQ) {
      this.next = at + 1;
      return list;
    }
    for (;;) {
      if (at >= end) throw OUTSIDE_SUBSET;
      const item = this.inline(at, end, true);
      list.push(item);
      loaded.offsets.push(this.valueOffset);
      at = this.skipSpaces(this.next, end);
      const code = this.text.charCodeAt(at);
      if (at < end && code === CLOSE_SEQ) {
        this.next = at + 1;
        return list;
      }
      if (at >= end || code !== COMMA) throw OUTSIDE_SUBSET;
      at = this.skipSpaces(at + 1, end);
      if (this.text.charCodeAt(at) === CLOSE_SEQ) throw OUTSIDE_SUBSET; // a trailing comma
    }
  }

  private flowMap(start: number, end: number): JsonMap {
    const map: JsonMap = {};
    const loaded = new SubsetMap(this.source, start);
    this.sourceMap.setLoaded(map, loaded);
    let at = this.skipSpaces(start + 1, end);
    if (this.text.charCodeAt(at) === CLOSE_MAP) {
      this.next = at + 1;
      return map;
    }
    let merges: Json[] | undefined;
    for (;;) {
      if (at >= end) throw OUTSIDE_SUBSET;
      const keyStart = at;
      const { key, nonString, merge } = this.flowKey(at, end);
      at = this.skipSpaces(this.next, end);
      const code = this.text.charCodeAt(at);
      if (at >= end || code === COMMA || code === CLOSE_MAP) throw OUTSIDE_SUBSET; // an empty value
      const value = this.inline(at, end, true);
      if (merge) {
        (merges ??= []).push(value);
      } else {
        if (nonString !== undefined) this.sourceMap.setNonStringKey(map, key, nonString);
        map[key] = value;
        loaded.keys.push(key);
        loaded.offsets.push(keyStart);
      }
      at = this.skipSpaces(this.next, end);
      const after = this.text.charCodeAt(at);
      if (at < end && after === CLOSE_MAP) {
        this.next = at + 1;
        if (merges) this.merge(map, merges);
        return map;
      }
      if (at >= end || after !== COMMA) throw OUTSIDE_SUBSET;
      at = this.skipSpaces(at + 1, end);
      if (this.text.charCodeAt(at) === CLOSE_MAP) throw OUTSIDE_SUBSET; // a trailing comma
    }
  }

  /** `key: ` inside a flow map; `this.next` is set after the colon. */
  private flowKey(start: number, end: number): LoadedKey {
    const code = this.text.charCodeAt(start);
    let loaded: LoadedKey;
    if (code === SINGLE_QUOTE || code === DOUBLE_QUOTE) {
      loaded = { key: this.quoted(start, end), nonString: undefined, merge: false };
    } else {
      this.checkPlainStart(start, end, true);
      const text = this.flowPlain(start, end, true) as string;
      if (text.length > MAX_KEY_LENGTH) throw OUTSIDE_SUBSET;
      loaded = this.plainKey(text);
    }
    const colon = this.next;
    if (this.text.charCodeAt(colon) !== COLON || colon + 1 >= end || this.text.charCodeAt(colon + 1) !== SPACE) throw OUTSIDE_SUBSET;
    this.next = colon + 1;
    return loaded;
  }

  private plainKey(text: string): LoadedKey {
    let value = this.resolvedKeys.get(text);
    if (value === undefined) {
      value = this.resolvePlain(text, true);
      this.resolvedKeys.set(text, value);
    }
    if (value === MERGE_KEY) return { key: text, nonString: undefined, merge: true };
    if (typeof value === 'string') return { key: value, nonString: undefined, merge: false };
    return { key: keyString(value), nonString: kindOf(value), merge: false };
  }

  private plainValue(text: string): Json {
    let value = this.resolvedValues.get(text);
    if (value === undefined) {
      value = this.resolvePlain(text, false);
      this.resolvedValues.set(text, value);
    }
    return value;
  }

  /**
   * A plain scalar's value, as `yaml` composes it (the first default tag whose test matches, with
   * `merge`-style key tags at keys) and as the loader converts it (big integers to numbers, other
   * non-JSON values such as timestamps to their text).
   */
  private resolvePlain(text: string, atKey: boolean): Json {
    let tag: ScalarTag | undefined;
    for (const candidate of this.schema.tags) {
      if ((candidate.default === true || (atKey && candidate.default === 'key')) && candidate.test?.test(text)) {
        tag = candidate;
        break;
      }
    }
    if (!tag) return text;
    if (tag.default === 'key') {
      // The merge key `<<` (the only key-only tag); anything else key-only is outside the subset.
      if (atKey && tag.tag === 'tag:yaml.org,2002:merge') return MERGE_KEY;
      throw OUTSIDE_SUBSET;
    }
    let failed = false;
    let resolved: unknown;
    try {
      resolved = tag.resolve(
        text,
        () => {
          failed = true;
        },
        this.schema.options,
      );
    } catch {
      throw OUTSIDE_SUBSET;
    }
    if (failed) throw OUTSIDE_SUBSET;
    const value: unknown = isScalar(resolved) ? resolved.value : resolved;
    if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
    if (typeof value === 'bigint') return Number(value);
    return text;
  }
}

/** How the loader names a map key that is not a string (Python's `str()` of it). */
export function keyString(value: Json): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
