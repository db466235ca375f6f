import type { FastifyReply } from 'fastify';
import { ApiError } from './api-error';

/** API.md's 429: `Retry-After` on the response and the same number as `retry_after` in the body. */
export function tooManyRequests(reply: FastifyReply, retryAfterSeconds: number): ApiError {
  void reply.header('Retry-After', String(retryAfterSeconds));
  return new ApiError(429, 'rate_limit_exceeded', 'Too many requests. Please try again later.', undefined, {
    retry_after: retryAfterSeconds,
  });
}
