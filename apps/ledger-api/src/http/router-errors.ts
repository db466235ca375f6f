import { HttpException } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { describeException, withRequestId } from './api-exception.filter';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * What the router refuses before any hook or filter runs (a target that is not a valid URL: 400),
 * answered in API.md's error shape with the request's id, as every other refusal.
 */
export function answerRouterError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const refusal = new HttpException('The request target is not a valid URL', error.statusCode ?? 400);
  const { status, body } = describeException(refusal, request);
  reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
  void reply.status(status).send(withRequestId(body, request));
}
