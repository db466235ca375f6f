import { AccountEvent } from '../account/account';
import { PaymentEvent } from '../payment/payment';
import { AT, NOW } from './decider-spec';

// Histories the specifications share, written once.

/** A EUR account opened at AT. */
export const accountOpened = (accountId: string, userId = 'u-1'): AccountEvent => ({
  type: 'AccountOpened',
  data: { accountId, userId, currency: 'EUR', openedAt: AT },
});

/** 100 EUR authorized from account `payer` (user u-payer) to `payee` (u-payee); a manual capture has 60 s. */
export const paymentAuthorized = (paymentId: string, captureMethod: 'manual' | 'automatic'): PaymentEvent => ({
  type: 'PaymentAuthorized',
  data: {
    paymentId,
    payerAccountId: 'payer',
    payeeAccountId: 'payee',
    payerUserId: 'u-payer',
    payeeUserId: 'u-payee',
    amount: '100',
    currency: 'EUR',
    captureMethod,
    captureExpiresAt: captureMethod === 'manual' ? new Date(NOW.getTime() + 60_000).toISOString() : null,
    description: null,
    at: AT,
  },
});
