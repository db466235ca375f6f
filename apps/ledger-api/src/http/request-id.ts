import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-ID';

const ACCEPTABLE = /^[\x21-\x7e]{1,200}$/;

type RequestWithId = IncomingMessage & { id?: string };

/** The caller's X-Request-ID when it is sane, else a new UUID; echoed on the response. */
export function assignRequestId(request: RequestWithId, response: ServerResponse): string {
  if (request.id) return request.id;
  const given = request.headers['x-request-id'];
  request.id = typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, request.id);
  return request.id;
}

/**
 * The correlation id a request continues: the sane X-Correlation-ID it carries (the bank echoes the
 * one the ledger sent with a transfer on the transfer's callbacks), else its own request id.
 */
export function correlationIdOf(request: IncomingMessage & { id?: unknown }): string {
  const given = request.headers['x-correlation-id'];
  return typeof given === 'string' && ACCEPTABLE.test(given) ? given : String(request.id ?? '');
}

export function assignRequestIdMiddleware(request: RequestWithId, response: ServerResponse, next: () => void): void {
  assignRequestId(request, response);
  next();
}
