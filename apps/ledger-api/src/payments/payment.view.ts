import { PaymentState } from '@ledger/ledger-domain';
import { jsonAmount } from '../http/json-amount';
import { PaymentResponse } from './payment.response';

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
