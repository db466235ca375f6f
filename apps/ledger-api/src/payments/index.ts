// The payments feature's public face: what other features may use of it.
export { PaymentResponse, RefundResponse } from './payment.response';
export { toPaymentResponse, toRefundResponse } from './payment.view';
