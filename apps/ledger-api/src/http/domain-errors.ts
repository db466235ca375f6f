import { DomainError, DomainErrorCode } from '@ledger/ledger-domain';
import { ApplicationError, ApplicationErrorCode } from '../shared/application-error';
import { ApiError } from './api-error';

/**
 * Every domain and application error code and the HTTP status it answers with: the one mapping.
 * A new code fails to compile here until it has its status.
 */
export const ERROR_STATUS = {
  account_exists: 409,
  account_not_found: 404,
  user_exists: 409,
  user_not_found: 404,
  transfer_exists: 409,
  transfer_not_found: 404,
  transfer_settled: 409,
  invalid_transfer_state: 409,
  review_not_open: 409,
  hold_not_found: 409,
  insufficient_funds: 422,
  currency_mismatch: 422,
  amount_exceeds_hold: 422,
  payment_exists: 409,
  payment_not_found: 404,
  payer_not_found: 404,
  payee_not_found: 404,
  payee_is_payer: 400,
  invalid_payment_state: 409,
  capture_window_expired: 409,
  amount_exceeds_authorized: 422,
  amount_exceeds_refundable: 422,
  reconciliation_not_found: 404,
  exception_not_found: 404,
  exception_not_open: 409,
  projection_not_found: 404,
  rebuild_not_found: 404,
  rebuild_in_progress: 409,
  invalid_cursor: 400,
  invalid_bank_statement: 400,
} as const satisfies Record<DomainErrorCode | ApplicationErrorCode, 400 | 404 | 409 | 422>;

/** What the API refuses with on purpose below the HTTP edge. */
export type Refusal = DomainError<DomainErrorCode> | ApplicationError;

/**
 * The API's answer to a refusal. API.md names every 404 `not_found` (the caller cannot tell what
 * they may not see from what does not exist) and every 400 about fields `validation_failed`, one
 * entry a field; a 400 about no field (a cursor) answers its own code.
 */
export function toApiError(error: Refusal): ApiError {
  const status = ERROR_STATUS[error.code];
  switch (status) {
    case 400:
      return invalidFields(error) ?? new ApiError(status, error.code, error.message);
    case 404:
      return new ApiError(status, 'not_found', error.message);
    case 409:
    case 422:
      return new ApiError(status, error.code, error.message);
  }
}

function invalidFields(error: Refusal): ApiError | undefined {
  if (error instanceof ApplicationError) {
    return error.problems && new ApiError(400, 'validation_failed', error.message, error.problems);
  }
  if (error.field === undefined) return undefined;
  return new ApiError(400, 'validation_failed', 'The request is invalid.', [
    { field: error.field, problems: [error.message] },
  ]);
}

/** A domain error as the body a request refused with it carries (without the request id). */
export function domainErrorBody(error: DomainError<DomainErrorCode>): {
  error: string;
  message: string;
  details?: unknown;
} {
  const answer = toApiError(error);
  return answer.details === undefined
    ? { error: answer.code, message: answer.message }
    : { error: answer.code, message: answer.message, details: answer.details };
}
