import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainRefusal } from '@ledger/ledger-domain';
import { ApiError } from './api-error';
import { asError } from '../logging/as-error';
import { ApplicationError } from '../shared/application-error';
import { toApiError } from './domain-errors';
import { pathOf } from './request-body';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'rate_limit_exceeded',
  503: 'service_unavailable',
};

type RequestLine = Pick<FastifyRequest, 'method' | 'url'>;

/**
 * The one place where every error becomes API.md's error body. Anything unexpected answers 500
 * with no internals; the log gets its class, message and stack.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<FastifyRequest>();
    const reply = context.getResponse<FastifyReply>();
    const { status, body } = this.describe(exception, request);
    if (reply.sent || reply.raw.headersSent) return;
    void reply.status(status).send(withRequestId(body, request));
  }

  private describe(exception: unknown, request: FastifyRequest): { status: number; body: Record<string, unknown> } {
    const described = describeException(exception, request);
    if (described.status >= 500 && !(exception instanceof HttpException)) {
      this.logger.error({ requestId: String(request.id ?? ''), err: asError(exception) }, 'unexpected error');
    }
    return described;
  }
}

/** The error body as sent: what describeException says, and the request's id. */
export function withRequestId(body: Record<string, unknown>, request: { id?: string }): Record<string, unknown> {
  return { ...body, requestId: String(request.id ?? '') };
}

/** The status and body (without requestId) that an exception answers with. */
export function describeException(
  exception: unknown,
  request: RequestLine,
): { status: number; body: Record<string, unknown> } {
  if (exception instanceof DomainRefusal) return describeException(toApiError(exception.error), request);
  if (exception instanceof ApplicationError) return describeException(toApiError(exception), request);
  if (exception instanceof ApiError) {
    const body: Record<string, unknown> = { error: exception.code, message: exception.message };
    if (exception.details !== undefined) body.details = exception.details;
    Object.assign(body, exception.fields);
    return { status: exception.getStatus(), body };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { status, body: { error: CODES[status] ?? 'error', message: messageFor(exception, request) } };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { error: 'internal_error', message: 'An unexpected error occurred.' },
  };
}

function messageFor(exception: HttpException, request: RequestLine): string {
  const status = exception.getStatus();
  if (status === 404) return `No route ${request.method} ${pathOf(request.url)}.`;
  if (status === 413) return 'The request body is larger than 1 MiB.';
  return sentence(exception.message);
}

function sentence(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}
