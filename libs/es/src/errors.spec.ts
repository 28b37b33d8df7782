import { errors } from '@elastic/elasticsearch';
import {
  DocumentConflictError,
  DocumentNotFoundError,
  EsRequestError,
  EsUnavailableError,
  isRetryableStatus,
  toEsError,
} from './errors';

function diagnostic(statusCode: number | undefined, body: unknown): ConstructorParameters<typeof errors.ResponseError>[0] {
  return {
    body,
    ...(statusCode === undefined ? {} : { statusCode }),
    headers: {},
    warnings: null,
    meta: {
      context: null,
      name: 'test',
      request: { params: { method: 'GET', path: '/' }, options: {}, id: 1 },
      connection: null,
      attempts: 0,
      aborted: false,
    },
  };
}

function responseError(statusCode: number, body: unknown): errors.ResponseError {
  return new errors.ResponseError(diagnostic(statusCode, body));
}

const doc = { index: 'deployments', id: 'd1' };

describe('isRetryableStatus', () => {
  it.each([429, 500, 502, 503, 504])('retries %i', (status) => expect(isRetryableStatus(status)).toBe(true));
  it.each([200, 201, 400, 404, 409, 413])('does not retry %i', (status) => expect(isRetryableStatus(status)).toBe(false));
});

describe('toEsError', () => {
  it('maps connection failures, timeouts and no living connections to a retryable EsUnavailableError', () => {
    const causes = [
      new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:1'),
      new errors.TimeoutError('Request timed out'),
      new errors.NoLivingConnectionsError('There are no living connections', diagnostic(undefined, undefined)),
    ];
    for (const cause of causes) {
      const mapped = toEsError(cause);
      expect(mapped).toBeInstanceOf(EsUnavailableError);
      expect(mapped).toMatchObject({ retryable: true, cause });
    }
  });

  it.each([429, 500, 503])('maps a %i answer to EsUnavailableError with its status', (status) => {
    const mapped = toEsError(responseError(status, { error: { type: 'es_rejected_execution_exception', reason: 'queue full' }, status }));
    expect(mapped).toBeInstanceOf(EsUnavailableError);
    expect(mapped).toMatchObject({ status, retryable: true });
    expect(mapped.message).toContain('es_rejected_execution_exception: queue full');
  });

  it('maps a 409 on a document to DocumentConflictError with the reason', () => {
    const mapped = toEsError(
      responseError(409, { error: { type: 'version_conflict_engine_exception', reason: '[d1]: version conflict' }, status: 409 }),
      doc,
    );
    expect(mapped).toBeInstanceOf(DocumentConflictError);
    expect(mapped).toMatchObject({ index: 'deployments', id: 'd1', status: 409, retryable: false });
    expect(mapped.message).toContain('[d1]: version conflict');
  });

  it('maps a 404 on a document to DocumentNotFoundError, including a delete answer without an error object', () => {
    expect(toEsError(responseError(404, { error: { type: 'document_missing_exception' }, status: 404 }), doc)).toBeInstanceOf(
      DocumentNotFoundError,
    );
    expect(toEsError(responseError(404, { _id: 'd1', result: 'not_found' }), doc)).toBeInstanceOf(DocumentNotFoundError);
  });

  it('maps other 4xx answers to a non-retryable EsRequestError carrying the Elasticsearch error type', () => {
    const mapped = toEsError(
      responseError(400, { error: { type: 'mapper_parsing_exception', reason: 'failed to parse field' }, status: 400 }),
    );
    expect(mapped).toBeInstanceOf(EsRequestError);
    expect(mapped).toMatchObject({ status: 400, type: 'mapper_parsing_exception', retryable: false });
  });

  it('treats a 404 or 409 without a document target as a request error', () => {
    expect(toEsError(responseError(404, { error: { type: 'index_not_found_exception' }, status: 404 }))).toBeInstanceOf(EsRequestError);
    expect(toEsError(responseError(409, { error: { type: 'x' }, status: 409 }))).toBeInstanceOf(EsRequestError);
  });

  it('maps other client errors (bad configuration, bad JSON) to a non-retryable EsRequestError', () => {
    expect(toEsError(new errors.ConfigurationError('bad url'))).toBeInstanceOf(EsRequestError);
    expect(toEsError(new errors.DeserializationError('bad json', '{'))).toMatchObject({ retryable: false });
  });

  it('returns our own errors and programming errors unchanged', () => {
    const ours = new EsUnavailableError('down');
    const bug = new TypeError('x is undefined');
    expect(toEsError(ours)).toBe(ours);
    expect(toEsError(bug)).toBe(bug);
    expect(toEsError('text')).toEqual(new Error('text'));
  });
});
