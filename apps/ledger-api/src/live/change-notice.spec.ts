import { RecordedEvent } from '@ledger/event-store';
import { reviewIdOf } from '../transfers/transfers.projection';
import { audienceOf, changeOf, maySee, needsAudience } from './change-notice';
import { encodeLiveCursor } from './live-cursor';

const PAYER = '00000000-0000-4000-8000-00000000000a';
const PAYEE = '00000000-0000-4000-8000-00000000000b';
const CUSTOMER = '00000000-0000-4000-8000-0000000000c1';
const MERCHANT = '00000000-0000-4000-8000-0000000000c2';
const PAYMENT = '00000000-0000-4000-8000-0000000000f1';
const TRANSFER = '00000000-0000-4000-8000-0000000000d1';
const AT = new Date('2026-12-03T07:00:00.000Z');

const recorded = (streamName: string, type: string, data: unknown, revision = 1n): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000e01',
  type,
  data,
  metadata: {},
  streamName,
  revision,
  position: { commit: 42n, prepare: 7n },
  createdAt: AT,
});

const authorized = recorded(
  `payment-${PAYMENT}`,
  'PaymentAuthorized',
  { paymentId: PAYMENT, payerAccountId: PAYER, payeeAccountId: PAYEE, payerUserId: CUSTOMER, payeeUserId: MERCHANT },
  0n,
);
const requested = recorded(
  `deposit-${TRANSFER}`,
  'TransferRequested',
  { transferId: TRANSFER, kind: 'deposit', accountId: PAYER, userId: CUSTOMER },
  0n,
);
const customer = { userId: CUSTOMER, role: 'customer' as const };
const merchant = { userId: MERCHANT, role: 'merchant' as const };
const stranger = { userId: '00000000-0000-4000-8000-0000000000c3', role: 'customer' as const };
const admin = { userId: '00000000-0000-4000-8000-0000000000ad', role: 'admin' as const };

describe('change notices', () => {
  it('takes the audience of a stream from its first event', () => {
    expect(audienceOf(authorized)).toEqual({ accountIds: [PAYER, PAYEE], ownerUserIds: [CUSTOMER, MERCHANT] });
    expect(audienceOf(requested)).toEqual({ accountIds: [PAYER], ownerUserIds: [CUSTOMER] });
    expect(
      audienceOf(recorded(`account-${PAYER}`, 'AccountOpened', { accountId: PAYER, userId: CUSTOMER }, 0n)),
    ).toEqual({ accountIds: [PAYER], ownerUserIds: [CUSTOMER] });
    expect(audienceOf(recorded(`payment-${PAYMENT}`, 'PaymentCaptured', { paymentId: PAYMENT }))).toBeUndefined();
    expect(needsAudience(`payment-${PAYMENT}`)).toBe(true);
    expect(needsAudience(`withdrawal-${TRANSFER}`)).toBe(true);
    expect(needsAudience(`user-${CUSTOMER}`)).toBe(false);
  });

  it.each([
    [
      'a payment event, seen by payer and payee',
      recorded(`payment-${PAYMENT}`, 'PaymentCaptured', { paymentId: PAYMENT }),
      audienceOf(authorized),
      { kind: 'payment', id: PAYMENT, accountIds: [PAYER, PAYEE] },
      [customer, merchant, admin],
    ],
    [
      'an account event, seen by its owner',
      recorded(`account-${PAYER}`, 'FundsCredited', { accountId: PAYER }),
      { accountIds: [PAYER], ownerUserIds: [CUSTOMER] },
      { kind: 'account', id: PAYER, accountIds: [PAYER] },
      [customer, admin],
    ],
    [
      'a transfer event, seen by its account owner',
      recorded(`deposit-${TRANSFER}`, 'TransferSucceeded', { transferId: TRANSFER }),
      audienceOf(requested),
      { kind: 'transfer', id: TRANSFER, accountIds: [PAYER] },
      [customer, admin],
    ],
    [
      'a review opened on a transfer, an admin’s work',
      recorded(`deposit-${TRANSFER}`, 'TransferFlaggedForReview', { transferId: TRANSFER, eventId: 'bank-event-1' }),
      audienceOf(requested),
      { kind: 'review', id: reviewIdOf(TRANSFER, 'bank-event-1'), accountIds: [] },
      [admin],
    ],
    [
      'a user created',
      recorded(`user-${CUSTOMER}`, 'UserCreated', { userId: CUSTOMER }),
      undefined,
      { kind: 'user', id: CUSTOMER, accountIds: [] },
      [admin],
    ],
    [
      'an API key issued',
      recorded('apikey-5f2b9c', 'ApiKeyIssued', { userId: CUSTOMER }),
      undefined,
      { kind: 'user', id: CUSTOMER, accountIds: [] },
      [admin],
    ],
    [
      'an event of a stream the ledger does not know',
      recorded('misc-1234', 'Something', {}),
      undefined,
      { kind: 'other', id: '1234', accountIds: [] },
      [admin],
    ],
    [
      'a payment event whose audience is unknown',
      recorded(`payment-${PAYMENT}`, 'PaymentVoided', { paymentId: PAYMENT }),
      undefined,
      { kind: 'payment', id: PAYMENT, accountIds: [] },
      [admin],
    ],
  ])('maps %s', (_, event, audience, expected, viewers) => {
    const change = changeOf(event, audience);
    expect(change.notice).toEqual({
      position: encodeLiveCursor(event.position),
      type: event.type,
      stream: event.streamName,
      occurredAt: AT.toISOString(),
      ...expected,
    });
    expect(change.message).toBe(
      `event: change\nid: ${change.notice.position}\ndata: ${JSON.stringify(change.notice)}\n\n`,
    );
    for (const viewer of [customer, merchant, stranger, admin]) {
      expect({ viewer: viewer.userId, sees: maySee(viewer, change) }).toEqual({
        viewer: viewer.userId,
        sees: viewers.includes(viewer),
      });
    }
  });
});
