import { DomainError, DomainErrorCode } from '@ledger/ledger-domain';
import { ApiError } from './api-error';

/**
 * Every domain error code and the HTTP status it answers with: the one mapping. A new code fails
 * to compile here until it has its status.
 */
export const DOMAIN_ERROR_STATUS = {
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
} as const satisfies Record<DomainErrorCode, 400 | 404 | 409 | 422>;

/**
 * The API's answer to a domain error. API.md names every 404 `not_found` (the caller cannot tell
 * what they may not see from what does not exist) and every 400 `validation_failed`, with the
 * field it is about.
 */
export function toApiError(error: DomainError<DomainErrorCode>): ApiError {
  const status = DOMAIN_ERROR_STATUS[error.code];
  switch (status) {
    case 400:
      return new ApiError(status, 'validation_failed', 'The request is invalid.', [
        { field: error.field, problems: [error.message] },
      ]);
    case 404:
      return new ApiError(status, 'not_found', error.message);
    case 409:
    case 422:
      return new ApiError(status, error.code, error.message);
  }
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
