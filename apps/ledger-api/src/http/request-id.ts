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

export function assignRequestIdMiddleware(request: RequestWithId, response: ServerResponse, next: () => void): void {
  assignRequestId(request, response);
  next();
}
