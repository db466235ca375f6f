import { AccountErrorCode } from './account/account';
import { PaymentRefusalCode } from './payment/payment-decision';
import { ReconciliationErrorCode } from './reconciliation/reconciliation';
import { DomainError } from './shared/result';
import { TransferErrorCode } from './transfer/transfer';
import { UserErrorCode } from './user/user';

/** Every refusal the domain can give. */
export type DomainErrorCode =
  AccountErrorCode | PaymentRefusalCode | ReconciliationErrorCode | TransferErrorCode | UserErrorCode;

/**
 * A refused decision, raised by whoever carries the command out; the caller's edge (HTTP) answers
 * it. `code` is the domain error's, for callers that expect some refusals.
 */
export class DomainRefusal extends Error {
  readonly code: DomainErrorCode;

  constructor(readonly error: DomainError<DomainErrorCode>) {
    super(error.message);
    this.name = 'DomainRefusal';
    this.code = error.code;
  }
}

/** The events of an accepted decision; a refused one is raised as a DomainRefusal. */
export function eventsOf<Event>(
  decision: { ok: true; events: Event[] } | { ok: false; error: DomainError<DomainErrorCode> },
): Event[] {
  if (!decision.ok) throw new DomainRefusal(decision.error);
  return decision.events;
}
