import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { type Logger, silentLogger } from '@cfy/logging';
import { BatchWriter, type BatchWriterOptions, type LineWriter } from './batch-writer';
import { InfluxConfigError, InfluxQueryError, InfluxWriteError } from './errors';
import { type AuthScheme, type HttpResponse, InfluxHttp, isRetryableStatus, serverMessageOf, unavailableFromResponse } from './http';
import { isDurationLiteral, isReadOnlyQuery, quoteIdentifier } from './influxql';
import { encodePoint, type Point, PRECISION_PARAM, type Precision } from './line-protocol';
import { parseQueryResponse, type StatementResult, statementRows } from './query-result';

/*
 * Why hand-written instead of a client library: the v1 HTTP API (`/write` with line protocol,
 * `/query` with InfluxQL, `/ping`) is the one API that InfluxDB 1.x serves natively and that
 * 2.x (1.x-compatibility endpoints, DBRP-mapped) and 3.x (v1-compatible `/write` and `/query`)
 * still serve. InfluxData's maintained JavaScript clients target the other APIs:
 * @influxdata/influxdb-client speaks the 2.x `/api/v2` API with Flux queries, and
 * @influxdata/influxdb3-client speaks 3.x (Arrow Flight, SQL/InfluxQL). The v1 client `influx`
 * (node-influx) is a community project with few releases, its own HTTP pool and no gzip writes.
 * What we need on top of fetch is small: escaping, gzip, error classification, a JSON schema.
 */

const gzip = promisify(gzipCallback);

/** A retention policy that `bootstrap()` creates, or alters to match. */
export interface RetentionPolicy {
  name: string;
  /** An InfluxQL duration: `30d`, `12w`, `1h30m`, or `INF` to keep data forever. */
  duration: string;
  /** Copies kept in a cluster; 1 on a single server. */
  replication: number;
  /** Make it the database's default policy; `false` leaves the current default alone. */
  default: boolean;
}

export interface InfluxClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8086`. User info (`http://user:pass@host:8086`) is used as username/password. */
  url: string;
  /** Database written to and queried. */
  database: string;
  /** Written to (`rp=`) and made to exist by `bootstrap()`. Absent: the database's default policy. */
  retentionPolicy?: RetentionPolicy;
  /** InfluxDB 1.x user, or a 2.x/3.x v1-compatibility username. */
  username?: string;
  password?: string;
  /** How username/password travel; default `basic` (Authorization header). See AuthScheme. */
  authScheme?: AuthScheme;
  /** A 2.x/3.x API token (`Authorization: Token …`), instead of username/password. */
  token?: string;
  /** Time limit of each request, in milliseconds. Default 10000. */
  requestTimeoutMs?: number;
  /** Gzip write bodies (`Content-Encoding: gzip`). Default true. */
  gzip?: boolean;
  logger?: Logger;
}

export interface QueryOptions {
  /** Return times as integer counts of this unit instead of RFC 3339 strings. */
  epoch?: Precision;
  /** Bound parameters: `$host` in the query takes `params.host`. Safer than building strings. */
  params?: Readonly<Record<string, string | number | boolean>>;
  /** Database to run in; default the client's. `null` for server-level statements. */
  database?: string | null;
}

export interface PingResult {
  /** From the `X-Influxdb-Version` header, when the server sends it. */
  version: string | undefined;
  latencyMs: number;
}

const DROPPED_COUNT = /dropped=(\d+)/;

/**
 * Client of the InfluxDB v1 HTTP API: line protocol writes, InfluxQL queries, a ping probe.
 * Errors are typed: InfluxUnavailableError (retryable), InfluxWriteError, InfluxQueryError,
 * LineProtocolError.
 *
 * @example
 * const influx = new InfluxClient({ url: 'http://127.0.0.1:8086', database: 'cloudify', logger });
 * await influx.bootstrap();
 * await influx.write([{ measurement: 'cpu', tags: { host: 'vm_1' }, fields: { value: 12.5 } }]);
 * const [result] = await influx.query('SELECT mean(value) FROM cpu WHERE time > now() - 1h', { epoch: 'ms' });
 */
export class InfluxClient implements LineWriter {
  private readonly http: InfluxHttp;
  private readonly logger: Logger;
  private readonly gzipBodies: boolean;
  readonly database: string;
  readonly retentionPolicy: RetentionPolicy | undefined;

  constructor(options: InfluxClientOptions) {
    if (options.database.length === 0) throw new InfluxConfigError('database must not be empty');
    const policy = options.retentionPolicy;
    if (policy) {
      if (policy.name.length === 0) throw new InfluxConfigError('retention policy name must not be empty');
      if (!isDurationLiteral(policy.duration)) {
        throw new InfluxConfigError(`retention policy duration ${JSON.stringify(policy.duration)} is not an InfluxQL duration such as 30d or INF`);
      }
      if (!Number.isInteger(policy.replication) || policy.replication < 1) {
        throw new InfluxConfigError(`retention policy replication must be an integer ≥ 1, got ${policy.replication}`);
      }
    }
    this.http = new InfluxHttp({
      url: options.url,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(options.password === undefined ? {} : { password: options.password }),
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.authScheme === undefined ? {} : { authScheme: options.authScheme }),
    });
    this.database = options.database;
    this.retentionPolicy = policy;
    this.gzipBodies = options.gzip ?? true;
    this.logger = (options.logger ?? silentLogger).child({ component: 'influx', database: options.database });
  }

  /**
   * Readiness probe: `GET /ping`. Resolves with the server version when InfluxDB answers 2xx;
   * rejects with InfluxUnavailableError otherwise.
   */
  async ping(): Promise<PingResult> {
    const started = performance.now();
    const response = await this.http.send({ method: 'GET', path: '/ping' });
    if (response.status < 200 || response.status > 299) throw unavailableFromResponse(response, 'answer the ping');
    return {
      version: response.headers.get('x-influxdb-version') ?? undefined,
      latencyMs: Math.round(performance.now() - started),
    };
  }

  /**
   * Creates the database and the configured retention policy, or alters the policy to match.
   * Idempotent. Needs InfluxDB 1.x (2.x/3.x manage databases through their own APIs) and, with
   * authentication on, an admin user.
   */
  async bootstrap(): Promise<void> {
    const database = quoteIdentifier(this.database);
    await this.query(`CREATE DATABASE ${database}`, { database: null });
    const policy = this.retentionPolicy;
    if (!policy) {
      this.logger.info('database ready');
      return;
    }
    const [existing] = await this.query(`SHOW RETENTION POLICIES ON ${database}`, { database: null });
    const exists = existing !== undefined && statementRows(existing).some((row) => row['name'] === policy.name);
    const definition = `${quoteIdentifier(policy.name)} ON ${database} DURATION ${policy.duration} REPLICATION ${policy.replication}${
      policy.default ? ' DEFAULT' : ''
    }`;
    if (!exists) {
      try {
        await this.query(`CREATE RETENTION POLICY ${definition}`, { database: null });
        this.logger.info('database and retention policy ready', { retentionPolicy: policy.name, created: true });
        return;
      } catch (error) {
        // Another process created it between our SHOW and CREATE: fall through to ALTER.
        if (!(error instanceof InfluxQueryError && error.details.serverMessage?.includes('already exists'))) throw error;
      }
    }
    await this.query(`ALTER RETENTION POLICY ${definition}`, { database: null });
    this.logger.info('database and retention policy ready', { retentionPolicy: policy.name, created: false });
  }

  /**
   * Runs InfluxQL and returns one result per statement. Read-only statements go by GET, others by
   * POST (InfluxDB 1.x refuses writes over GET). Rejects with InfluxQueryError for a parse error or
   * a failed statement, InfluxUnavailableError when InfluxDB cannot answer.
   * @example
   * const [{ series }] = await influx.query('SELECT count(*) FROM cpu WHERE host = $host', { params: { host: 'vm_1' } });
   */
  async query(influxql: string, options: QueryOptions = {}): Promise<StatementResult[]> {
    const database = options.database === undefined ? this.database : options.database;
    const urlParams: Record<string, string | undefined> = {
      db: database ?? undefined,
      rp: database === this.database ? this.retentionPolicy?.name : undefined,
      epoch: options.epoch === undefined ? undefined : PRECISION_PARAM[options.epoch],
    };
    const queryParams: Record<string, string> = { q: influxql };
    if (options.params) queryParams['params'] = JSON.stringify(options.params);

    const response = isReadOnlyQuery(influxql)
      ? await this.http.send({ method: 'GET', path: '/query', params: { ...urlParams, ...queryParams } })
      : await this.http.send({ method: 'POST', path: '/query', params: urlParams, body: new URLSearchParams(queryParams) });

    if (isRetryableStatus(response.status)) throw unavailableFromResponse(response, 'run the query');
    if (response.status !== 200) {
      const serverMessage = serverMessageOf(response.text);
      throw new InfluxQueryError(`InfluxDB refused the query (HTTP ${response.status}): ${serverMessage}`, {
        status: response.status,
        serverMessage,
      });
    }
    return parseQueryResponse(parseJson(response));
  }

  /**
   * Writes points in one request (use `batchWriter()` for streams of points); timestamp precision
   * defaults to `ms`. Rejects with LineProtocolError before sending if any point cannot be encoded,
   * otherwise as `writeLines`.
   */
  async write(points: Iterable<Point>, options: { precision?: Precision } = {}): Promise<void> {
    const precision = options.precision ?? 'ms';
    const lines = Array.from(points, (point) => encodePoint(point, precision));
    if (lines.length > 0) await this.writeLines(lines, precision);
  }

  /**
   * Sends encoded lines to `/write` in one request, gzip-compressed unless disabled. Rejects with
   * InfluxWriteError for a 4xx (with InfluxDB's text and, for partial writes, the dropped count)
   * and InfluxUnavailableError for 5xx/429/408 and network failures.
   */
  async writeLines(lines: readonly string[], precision: Precision): Promise<void> {
    const text = lines.join('\n');
    const body = this.gzipBodies ? await gzip(text) : text;
    const response = await this.http.send({
      method: 'POST',
      path: '/write',
      params: { db: this.database, rp: this.retentionPolicy?.name, precision: PRECISION_PARAM[precision] },
      body,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', ...(this.gzipBodies ? { 'Content-Encoding': 'gzip' } : {}) },
    });
    if (response.status >= 200 && response.status <= 299) return;
    if (isRetryableStatus(response.status)) throw unavailableFromResponse(response, 'store the points');
    throw writeErrorFrom(response, lines.length);
  }

  /** A BatchWriter that writes through this client. Logs with this client's logger by default. */
  batchWriter(options: BatchWriterOptions = {}): BatchWriter {
    return new BatchWriter(this, { logger: this.logger, ...options });
  }
}

function writeErrorFrom(response: HttpResponse, lineCount: number): InfluxWriteError {
  const serverMessage = serverMessageOf(response.text);
  const match = DROPPED_COUNT.exec(serverMessage);
  const droppedPoints = match?.[1] === undefined ? undefined : Number(match[1]);
  return new InfluxWriteError(
    `InfluxDB refused ${droppedPoints ?? lineCount} of ${lineCount} points (HTTP ${response.status}): ${serverMessage}`,
    response.status,
    serverMessage,
    droppedPoints,
  );
}

function parseJson(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.text);
  } catch (error) {
    throw new InfluxQueryError(`InfluxDB sent a query response that is not JSON: ${response.text.slice(0, 200)}`, { cause: error });
  }
}
