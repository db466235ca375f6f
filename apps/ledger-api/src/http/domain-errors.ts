import { DomainError } from '@ledger/ledger-domain';
import { ApiError } from './api-error';

/** Every domain error code and the HTTP status it answers with: the one mapping. */
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
  invalid_payment_state: 409,
  capture_window_expired: 409,
  amount_exceeds_authorized: 422,
  amount_exceeds_refundable: 422,
  reconciliation_not_found: 404,
  exception_not_found: 404,
  exception_not_open: 409,
} as const satisfies Record<string, number>;

export function toApiError(error: DomainError): ApiError {
  const status = (DOMAIN_ERROR_STATUS as Record<string, number>)[error.code] ?? 422;
  return new ApiError(status, status === 404 ? 'not_found' : error.code, error.message);
}
