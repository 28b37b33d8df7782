import { ManagerError, type ErrorBody } from '@cfy/contracts';
import {
  HTTP_CORRELATION_HEADER,
  correlationIdFrom,
  newCorrelationId,
  withCorrelationId,
  type Logger,
} from '@cfy/logging';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { ServiceLifecycle } from './lifecycle';
import type { Readiness } from './readiness';

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly lifecycle: ServiceLifecycle;
  readonly readiness: Readiness;
  /** Mounts the service's own routes, between the probes and the error handlers. */
  readonly routes?: (app: Express) => void;
}

/**
 * Builds (does not start) a service's HTTP app: correlation ids, `/health`, `/ready`, the
 * service's routes, then JSON 404 and the one error mapper. No body parser is installed here:
 * each route opts in, so proxies and uploads can stream.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(correlation());

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', state: options.lifecycle.state });
  });
  app.get('/ready', async (_req, res) => {
    if (!options.lifecycle.accepting) {
      res.status(503).json({ ready: false, state: options.lifecycle.state, checks: {} });
      return;
    }
    const result = await options.readiness.check();
    res.status(result.ready ? 200 : 503).json({ ...result, state: options.lifecycle.state });
  });

  options.routes?.(app);

  app.use((req, res) => {
    const body: ErrorBody = { message: `Requested URL ${req.path} was not found on the server`, error_code: 'not_found_error' };
    res.status(404).json(body);
  });
  app.use(errorMapper(options.logger));
  return app;
}

function correlation(): RequestHandler {
  return (req, res, next) => {
    const id = correlationIdFrom(req.headers, HTTP_CORRELATION_HEADER) ?? newCorrelationId();
    req.headers[HTTP_CORRELATION_HEADER] = id;
    res.setHeader(HTTP_CORRELATION_HEADER, id);
    withCorrelationId(id, () => next());
  };
}

/** Errors thrown by body parsers and other http-errors style middleware. */
interface HttpStyleError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/**
 * Maps every error to Cloudify's `{message, error_code}`. Business errors keep their code; client
 * errors from middleware become bad_parameters_error (or 413/415); anything else is a 500 whose
 * message hides the cause — the details go to the log, never to the client.
 */
export function errorMapper(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body } = toErrorResponse(error);
    if (status >= 500) logger.error('request failed', { method: req.method, path: req.path, err: error });
    else logger.debug('request rejected', { method: req.method, path: req.path, status, error_code: body.error_code });
    res.status(status).json(body);
  };
}

export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  // A ManagerError is deliberate, whatever its status (502 from the gateway, 503 in maintenance
  // mode): its message was written for clients. Only unexpected errors are hidden.
  if (error instanceof ManagerError) return { status: error.httpStatus, body: error.toBody() };
  const httpError = error as HttpStyleError | undefined;
  const status = httpError?.status ?? httpError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return { status, body: { message: 'Request body is too large', error_code: 'payload_too_large_error' } };
    if (status === 415) return { status, body: { message: 'Content type must be application/json', error_code: 'unsupported_content_type_error' } };
    const message = httpError?.type === 'entity.parse.failed' ? 'Request body is not valid JSON' : (httpError?.message ?? 'Bad request');
    return { status: 400, body: { message, error_code: 'bad_parameters_error' } };
  }
  return internalError();
}

function internalError(): { status: number; body: ErrorBody } {
  return { status: 500, body: { message: 'Internal error occurred in manager REST server', error_code: 'internal_server_error' } };
}
