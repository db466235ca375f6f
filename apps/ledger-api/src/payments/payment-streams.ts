import { Decision } from '@ledger/event-sourcing';
import { PaymentDecision, PaymentWrites } from '@ledger/ledger-domain';
import { eventIdFor } from '../shared/command-context';
import { accountStream, paymentStream, Treatment } from '../shared/streams';

/**
 * How a payment command treats each of its streams: it queues on the ones it writes at an exact
 * revision when busy (see `StreamSpec`).
 */
type Treatments = { payment?: Treatment; payer?: Treatment; payee?: Treatment };

/** The streams a payment command reads and writes, in the order they are appended: the payment, then the money. */
export function paymentStreams(
  ids: { paymentId: string; payerAccountId: string; payeeAccountId: string },
  treatments: Treatments,
) {
  return {
    payment: paymentStream(ids.paymentId, treatments.payment),
    payer: accountStream(ids.payerAccountId, treatments.payer),
    payee: accountStream(ids.payeeAccountId, treatments.payee),
  };
}

export type PaymentStreams = ReturnType<typeof paymentStreams>;

/**
 * A payment decision as the appends it makes: the payment at its revision, and each account at
 * the exact revision its funds were checked on when the movement lowers `available` (a hold, a
 * debit), else at any (a credit, a release). A refused capture records the expiry first.
 */
export function paymentAppends(decision: PaymentDecision): Decision<PaymentStreams> {
  if (decision.ok) return { ok: true, ...appendsOf(decision.writes) };
  return decision.expiry ? { ok: false, error: decision.error, ...appendsOf(decision.expiry) } : decision;
}

function appendsOf({ payment, payer, payee, checked }: PaymentWrites) {
  return {
    events: { payment, payer, payee },
    anyRevision: (['payer', 'payee'] as const).filter((side) => !checked[side]),
  };
}

/** A payment step's event ids: the payment's named by the step, each account's by the step and its side. */
export function paymentEventIds(paymentId: string, step: string) {
  return (stream: keyof PaymentStreams) => eventIdFor(paymentId, stream === 'payment' ? step : `${step}:${stream}`);
}
