import Table from 'cli-table3';
import { type Output } from './io';

/*
 * Tables as 3.4 prints them with PrettyTable: ASCII borders, one header rule, no rules between
 * rows, every cell centred, one space of padding. cli-table3 draws the borders; the centring is
 * done here because PrettyTable puts the odd space on a different side than cli-table3 does, and
 * scripts that parse `cfy status` output exist.
 */

const ASCII_BORDERS = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
};

/**
 * Renders a cell value as Python's `str()` would for the scalars 3.4 prints (`None`, `True`,
 * numbers); objects and lists as JSON.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * A PrettyTable-style table of `rows` projected on `columns`.
 *
 * @example renderTable(['id', 'status'], [{ id: 'a', status: 'ok' }])
 */
export function renderTable(columns: readonly string[], rows: readonly Readonly<Record<string, unknown>>[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(row[column]).split('\n')));
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...cells.map((row) => Math.max(...(row[index] ?? ['']).map((line) => line.length)))),
  );
  const centre = (lines: readonly string[], width: number): string => lines.map((line) => centreLine(line, width)).join('\n');
  const table = new Table({
    head: columns.map((column, index) => centreLine(column, widths[index] ?? column.length)),
    chars: ASCII_BORDERS,
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
  });
  for (const row of cells) table.push(row.map((lines, index) => centre(lines, widths[index] ?? 0)));
  const text = table.toString();
  // PrettyTable still closes an empty table with a bottom border; cli-table3 stops after the header rule.
  return cells.length === 0 ? `${text}\n${text.split('\n')[0] ?? ''}` : text;
}

/** PrettyTable's centring: the odd space goes right for odd-length text, left for even-length text. */
function centreLine(text: string, width: number): string {
  const excess = width - text.length;
  if (excess <= 0) return text;
  const half = Math.floor(excess / 2);
  if (excess % 2 === 0) return `${' '.repeat(half)}${text}${' '.repeat(half)}`;
  return text.length % 2 === 1 ? `${' '.repeat(half)}${text}${' '.repeat(half + 1)}` : `${' '.repeat(half + 1)}${text}${' '.repeat(half)}`;
}

/** 3.4's `print_table`: a blank line, the title, the table, a blank line. */
export function printTable(output: Output, title: string, table: string): void {
  output.info(`\n${title}\n${table}\n`);
}
