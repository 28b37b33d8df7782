/*
 * Small InfluxQL helpers: quoting names and literals for statements we build (bootstrap), and
 * telling read-only queries from ones that change data.
 */

function escapeQuoted(value: string, quote: '"' | "'"): string {
  // InfluxQL's string scanner understands \\, \", \' and \n; a raw line break ends the token.
  return value.replace(/\\/g, '\\\\').replace(quote === '"' ? /"/g : /'/g, `\\${quote}`).replace(/\n/g, '\\n');
}

/**
 * Quotes an identifier (database, retention policy, measurement, tag or field name).
 * @example quoteIdentifier('my "db"') // → "my \"db\""
 */
export function quoteIdentifier(name: string): string {
  return `"${escapeQuoted(name, '"')}"`;
}

/**
 * Quotes a string literal, e.g. a tag value in a WHERE clause. Prefer bound parameters
 * (`query(q, { params })`) for values that come from outside.
 * @example `WHERE host = ${quoteString("it's")}` // → WHERE host = 'it\'s'
 */
export function quoteString(value: string): string {
  return `'${escapeQuoted(value, "'")}'`;
}

/** Removes quoted strings, quoted identifiers and comments, so keywords inside them do not count. */
function stripLiterals(influxql: string): string {
  return influxql
    .replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/gs, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*.*?\*\//gs, ' ');
}

/**
 * True when every statement only reads (SELECT without INTO, SHOW, EXPLAIN). Those may go by GET;
 * anything else must be POSTed. When unsure it answers false: POST works for every statement.
 */
export function isReadOnlyQuery(influxql: string): boolean {
  const statements = stripLiterals(influxql)
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
  if (statements.length === 0) return false;
  return statements.every((statement) => {
    if (/^(SHOW|EXPLAIN)\b/i.test(statement)) return !/\bINTO\b/i.test(statement);
    return /^SELECT\b/i.test(statement) && !/\bINTO\b/i.test(statement);
  });
}

/** An InfluxQL duration literal such as `30d`, `1h30m` or `INF` (case-insensitive). */
const DURATION_LITERAL = /^(?:INF|(?:\d+(?:ns|u|µ|ms|s|m|h|d|w))+)$/i;

/** True for a duration InfluxQL accepts in `DURATION …` clauses. */
export function isDurationLiteral(value: string): boolean {
  return DURATION_LITERAL.test(value);
}
