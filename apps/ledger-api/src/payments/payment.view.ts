import { PaymentState } from '@ledger/ledger-domain';
import { jsonAmount } from '../http/json-amount';
import { PaymentResponse, RefundResponse } from './payment.response';

export function toPaymentResponse(state: PaymentState): PaymentResponse {
  if (state.status === 'none') throw new Error('No payment to show');
  return {
    id: state.paymentId,
    payerAccountId: state.payerAccountId,
    payeeAccountId: state.payeeAccountId,
    amount: jsonAmount(state.authorizedAmount),
    currency: state.currency,
    captureMethod: state.captureMethod,
    status: state.status,
    authorizedAmount: jsonAmount(state.authorizedAmount),
    capturedAmount: jsonAmount(state.capturedAmount),
    refundedAmount: jsonAmount(state.refundedAmount),
    captureExpiresAt: state.captureExpiresAt,
    description: state.description,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
  };
}

/** A refund as the API shows it: from its event, on the payment it refunds. */
export function toRefundResponse(
  refund: { refundId: string; amount: string; reason: string | null; at: string },
  payment: Pick<PaymentResponse, 'id' | 'currency'>,
): RefundResponse {
  return {
    id: refund.refundId,
    paymentId: payment.id,
    amount: jsonAmount(refund.amount),
    currency: payment.currency,
    reason: refund.reason,
    status: 'succeeded',
    createdAt: refund.at,
  };
}
