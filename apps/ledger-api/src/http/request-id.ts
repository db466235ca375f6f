import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

export const REQUEST_ID_HEADER = 'X-Request-ID';

const ACCEPTABLE = /^[\x21-\x7e]{1,200}$/;

/**
 * The caller's X-Request-ID when it is sane, else a new UUID: Fastify's request id, kept on the
 * Node request too, where the request's log lines (pino-http) find it.
 */
export function requestIdOf(request: IncomingMessage): string {
  if (typeof request.id === 'string') return request.id;
  const given = request.headers['x-request-id'];
  request.id = typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID();
  return request.id;
}

/**
 * The correlation id a request continues: the sane X-Correlation-ID it carries (the bank echoes the
 * one the ledger sent with a transfer on the transfer's callbacks), else its own request id.
 */
export function correlationIdOf(request: IncomingMessage): string {
  const given = request.headers['x-correlation-id'];
  return typeof given === 'string' && ACCEPTABLE.test(given) ? given : String(request.id ?? '');
}

/** Every response names its request's id; on the Node response, so that streams and refusals carry it too. */
export function echoRequestId(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
  done();
}
