import type { Response } from 'express';
import { ApiError } from './api-error';

/** API.md's 429: `Retry-After` on the response and the same number as `retry_after` in the body. */
export function tooManyRequests(response: Response, retryAfterSeconds: number): ApiError {
  response.setHeader('Retry-After', String(retryAfterSeconds));
  return new ApiError(429, 'rate_limit_exceeded', 'Too many requests. Please try again later.', undefined, {
    retry_after: retryAfterSeconds,
  });
}
