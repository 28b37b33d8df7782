import { z } from 'zod';
import { InfluxQueryError } from './errors';

/*
 * The JSON body of GET/POST /query (InfluxDB 1.x, and the 1.x-compatibility endpoint of 2.x/3.x):
 * {"results": [{"statement_id": 0, "series": [{"name", "tags"?, "columns", "values"?}], "messages"?, "error"?}], "error"?}
 */

/** One cell. Times are numbers when the query asked for an `epoch`, RFC 3339 strings otherwise. */
export type InfluxValue = string | number | boolean | null;

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const seriesSchema = z.object({
  // SHOW RETENTION POLICIES returns series without a name.
  name: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  columns: z.array(z.string()),
  values: z.array(z.array(cellSchema)).optional(),
  partial: z.boolean().optional(),
});

const statementSchema = z.object({
  statement_id: z.number().int().optional(),
  series: z.array(seriesSchema).optional(),
  messages: z.array(z.object({ level: z.string(), text: z.string() })).optional(),
  error: z.string().optional(),
  partial: z.boolean().optional(),
});

export const queryResponseSchema = z.object({
  results: z.array(statementSchema).optional(),
  error: z.string().optional(),
});

/** One series of a statement's result: a measurement (and tag set, with GROUP BY) and its rows. */
export interface Series {
  /** Measurement name; empty for results that have none (e.g. SHOW RETENTION POLICIES). */
  name: string;
  /** The GROUP BY tag values of this series; empty without GROUP BY. */
  tags: Readonly<Record<string, string>>;
  columns: readonly string[];
  /** One array per row, in `columns` order. */
  values: ReadonlyArray<readonly InfluxValue[]>;
}

/** The result of one statement of a query. */
export interface StatementResult {
  statementId: number;
  series: readonly Series[];
  /** Server notices such as deprecation warnings. */
  messages: ReadonlyArray<{ level: string; text: string }>;
}

/**
 * Validates a /query response body and returns one result per statement. Throws InfluxQueryError
 * for a top-level error, for the first statement that failed, and for a body of another shape.
 */
export function parseQueryResponse(body: unknown): StatementResult[] {
  const parsed = queryResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new InfluxQueryError(`InfluxDB sent a query response of unexpected shape: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const { results, error } = parsed.data;
  if (error !== undefined) throw new InfluxQueryError(`InfluxDB refused the query: ${error}`, { serverMessage: error });
  return (results ?? []).map((result, index) => {
    const statementId = result.statement_id ?? index;
    if (result.error !== undefined) {
      throw new InfluxQueryError(`statement ${statementId} failed: ${result.error}`, { serverMessage: result.error, statementId });
    }
    return {
      statementId,
      series: (result.series ?? []).map((series) => ({
        name: series.name ?? '',
        tags: series.tags ?? {},
        columns: series.columns,
        values: series.values ?? [],
      })),
      messages: result.messages ?? [],
    };
  });
}

/** A row as an object keyed by column name, with the series' GROUP BY tags included. */
export type Row = Record<string, InfluxValue>;

/**
 * Turns a series into one object per row (columns as keys, GROUP BY tags added). With a zod
 * schema every row is validated and typed; a row that does not match throws InfluxQueryError.
 * @example
 * const [cpu] = (await client.query('SELECT value FROM cpu', { epoch: 'ms' }))[0].series;
 * seriesToRows(cpu, z.object({ time: z.number(), value: z.number() })) // → [{ time: 1700000000000, value: 12.5 }, …]
 */
export function seriesToRows(series: Series): Row[];
export function seriesToRows<T>(series: Series, schema: z.ZodType<T>): T[];
export function seriesToRows<T>(series: Series, schema?: z.ZodType<T>): Array<Row | T> {
  return series.values.map((values, rowIndex) => {
    const row: Row = { ...series.tags };
    series.columns.forEach((column, index) => {
      row[column] = values[index] ?? null;
    });
    if (!schema) return row;
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      throw new InfluxQueryError(`row ${rowIndex} of series ${JSON.stringify(series.name)} does not match: ${z.prettifyError(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  });
}

/** All rows of all series of one statement, each with its series' tags. */
export function statementRows(result: StatementResult): Row[] {
  return result.series.flatMap((series) => seriesToRows(series));
}
