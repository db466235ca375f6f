import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorResponse } from './api-error';
import { ERROR_STATUS as REFUSAL_STATUS } from './domain-errors';

/**
 * The OpenAPI side of the contract, one decorator per convention of docs/api.md, so that every
 * operation documents its errors the same way (test/openapi.e2e-spec.ts lints the result).
 */

/** Codes the HTTP layer answers with; the domain's and the application's are in domain-errors.ts. */
const HTTP_ERROR_STATUS = {
  validation_failed: 400,
  invalid_cursor: 400,
  idempotency_key_required: 400,
  unauthorized: 401,
  invalid_signature: 401,
  forbidden: 403,
  not_found: 404,
  idempotency_key_in_use: 409,
  webhook_endpoint_exists: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limit_exceeded: 429,
  not_ready: 503,
  projection_lagging: 503,
} as const;

type RefusalCode = keyof typeof REFUSAL_STATUS;
/** "Not found" refusals reach clients as `not_found`, so they are not documented by name. */
type NotFound = { [K in RefusalCode]: (typeof REFUSAL_STATUS)[K] extends 404 ? K : never }[RefusalCode];
export type ErrorCode = keyof typeof HTTP_ERROR_STATUS | Exclude<RefusalCode, NotFound>;

const ERROR_STATUS: Record<ErrorCode, number> = { ...REFUSAL_STATUS, ...HTTP_ERROR_STATUS };

/** Headers an error status always carries. */
const ERROR_HEADERS: Record<number, Record<string, { description: string; schema: { type: 'integer' } }>> = {
  429: { 'Retry-After': { description: 'Seconds until the limit resets.', schema: { type: 'integer' } } },
};

/**
 * The error responses an operation may answer, by code: one response per status, in the error shape,
 * listing its codes. Several uses on one operation add up (Swagger joins the descriptions of a status).
 */
export function ApiErrors(...codes: ErrorCode[]) {
  const statuses = [...new Set(codes.map((code) => ERROR_STATUS[code]))];
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        type: ErrorResponse,
        description: codes.filter((code) => ERROR_STATUS[code] === status).join(', '),
        headers: ERROR_HEADERS[status],
      }),
    ),
  );
}

/** An operation's id (unique, camelCase verb first: clients generate method names from it) and summary. */
export const Operation = (operationId: string, summary: string, description?: string) =>
  ApiOperation({ operationId, summary, description });

/** Needs `Authorization: Bearer <api key>`; counted by the rate limits. */
export const ApiAuthenticated = () =>
  applyDecorators(ApiBearerAuth(), ApiErrors('unauthorized', 'rate_limit_exceeded'));

/** Admins only: other roles get 403. */
export const ApiAdminOnly = () => applyDecorators(ApiAuthenticated(), ApiErrors('forbidden'));

/** Honours `Idempotency-Key` (every POST under /api/v1); `required` on money-moving routes. */
export const ApiIdempotencyKey = (options: { required: boolean }) =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required,
      description: 'Scoped to the caller; a repeat answers the first response with Idempotent-Replayed: true.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    }),
    ApiErrors(
      'idempotency_key_in_use',
      'idempotency_key_reused',
      ...(options.required ? (['idempotency_key_required'] as const) : []),
    ),
  );

/** Takes a JSON body: refused when invalid, too large or not JSON. */
export const ApiJsonBody = () => ApiErrors('validation_failed', 'payload_too_large', 'unsupported_media_type');

/** A read-model query: `X-Min-Position` waits (≤ 5 s) for the caller's own writes. */
export const ApiReadYourWrites = () =>
  applyDecorators(
    ApiHeader({
      name: 'X-Min-Position',
      required: false,
      description: 'An X-Ledger-Position from an earlier command: answer once the read models include it.',
    }),
    ApiErrors('validation_failed', 'projection_lagging'),
  );

/** A 200 page of `model`: `{ data, nextCursor }`, newest first. */
export const ApiPage = (model: Type<unknown>) =>
  applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['data', 'nextCursor'],
        properties: {
          data: { type: 'array', items: { $ref: getSchemaPath(model) } },
          nextCursor: { type: 'string', nullable: true, description: 'null on the last page' },
        },
      },
    }),
    ApiErrors('invalid_cursor'),
  );
