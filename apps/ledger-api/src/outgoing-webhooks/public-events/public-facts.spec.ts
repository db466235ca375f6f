import { RecordedEvent } from '@ledger/event-store';
import { PaymentEvent, TransferEvent } from '@ledger/ledger-domain';
import { PublicFact, publicFactsOf, Resource } from './public-facts';

const at = '2026-12-01T10:00:00.000Z';
const user = { payer: '00000000-0000-4000-8000-00000000000a', payee: '00000000-0000-4000-8000-00000000000b' };

function recorded(streamName: string, event: PaymentEvent | TransferEvent, revision: number): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    type: event.type,
    data: event.data,
    metadata: {},
    streamName,
    revision: BigInt(revision),
    position: { commit: 1n, prepare: BigInt(revision) },
    createdAt: new Date(at),
  };
}

/** Folds a stream's events the way the projection does, and lists each event's facts. */
function factsOfStream(streamName: string, events: (PaymentEvent | TransferEvent)[]): PublicFact[][] {
  let resource: Resource | undefined;
  return events.map((event, revision) => {
    const folded = publicFactsOf(recorded(streamName, event, revision), resource);
    resource = folded.resource;
    return folded.facts;
  });
}

describe('publicFactsOf', () => {
  const transferId = '00000000-0000-4000-8000-0000000000f1';
  const requested = (kind: 'deposit' | 'withdrawal'): TransferEvent => ({
    type: 'TransferRequested',
    data: { transferId, kind, accountId: 'acc', userId: user.payer, amount: '500', currency: 'EUR', at },
  });

  it('makes a settled deposit one public fact, with the transfer as the API shows it', () => {
    const facts = factsOfStream(`deposit-${transferId}`, [
      requested('deposit'),
      { type: 'TransferSentToBank', data: { transferId, at } },
      { type: 'TransferProcessing', data: { transferId, at } },
      { type: 'TransferSucceeded', data: { transferId, at } },
    ]);
    expect(facts.slice(0, 3)).toEqual([[], [], []]);
    expect(facts[3]).toEqual([
      {
        type: 'deposit.succeeded',
        ownerUserIds: [user.payer],
        data: {
          id: transferId,
          accountId: 'acc',
          amount: 500,
          currency: 'EUR',
          status: 'succeeded',
          failureReason: null,
          createdAt: at,
          updatedAt: at,
        },
      },
    ]);
  });

  it('names a failed withdrawal, and opens reviews for admins only', () => {
    const facts = factsOfStream(`withdrawal-${transferId}`, [
      requested('withdrawal'),
      { type: 'TransferFailed', data: { transferId, reason: 'account_closed', at } },
      {
        type: 'TransferFlaggedForReview',
        data: { transferId, eventId: 'cb-2', callbackType: 'succeeded', reason: 'A succeeded callback…', at },
      },
    ]);
    expect(facts[1]).toEqual([
      expect.objectContaining({
        type: 'withdrawal.failed',
        data: expect.objectContaining({ status: 'failed', failureReason: 'account_closed' }),
      }),
    ]);
    expect(facts[2]).toEqual([
      {
        type: 'review.opened',
        ownerUserIds: [],
        data: expect.objectContaining({ transferId, eventId: 'cb-2', transferStatus: 'failed', status: 'open' }),
      },
    ]);
  });

  it('names a parked withdrawal, and a review resolved by taking the bank’s word, with the outcome it corrects', () => {
    const facts = factsOfStream(`withdrawal-${transferId}`, [
      requested('withdrawal'),
      { type: 'TransferParked', data: { transferId, reason: 'bank refused the transfer with 400', attempts: 1, at } },
      { type: 'TransferRetryRequested', data: { transferId, requestedBy: 'admin', reason: null, at } },
      { type: 'TransferFailed', data: { transferId, reason: 'account_closed', at } },
      {
        type: 'TransferFlaggedForReview',
        data: { transferId, eventId: 'cb-3', callbackType: 'succeeded', reason: 'A succeeded callback…', at },
      },
      {
        type: 'ReviewResolved',
        data: { transferId, eventId: 'cb-3', decision: 'accept_bank', note: 'paid', resolvedBy: 'admin', at },
      },
      { type: 'TransferCorrected', data: { transferId, status: 'succeeded', failureReason: null, at } },
    ]);
    expect(facts[1]).toEqual([
      expect.objectContaining({
        type: 'withdrawal.parked',
        ownerUserIds: [user.payer],
        data: expect.objectContaining({ status: 'parked' }),
      }),
    ]);
    expect(facts[2]).toEqual([]);
    expect(facts[5]).toEqual([
      {
        type: 'review.resolved',
        ownerUserIds: [],
        data: expect.objectContaining({
          eventId: 'cb-3',
          callbackType: 'succeeded',
          decision: 'accept_bank',
          status: 'resolved',
        }),
      },
    ]);
    expect(facts[6]).toEqual([
      expect.objectContaining({ type: 'withdrawal.succeeded', data: expect.objectContaining({ status: 'succeeded' }) }),
    ]);
  });

  it("follows a payment's every event, a refund before the payment it changes, both parties owning them", () => {
    const paymentId = '00000000-0000-4000-8000-0000000000a1';
    const facts = factsOfStream(`payment-${paymentId}`, [
      {
        type: 'PaymentAuthorized',
        data: {
          paymentId,
          payerAccountId: 'payer-acc',
          payeeAccountId: 'payee-acc',
          payerUserId: user.payer,
          payeeUserId: user.payee,
          amount: '300',
          currency: 'EUR',
          captureMethod: 'manual',
          captureExpiresAt: at,
          description: null,
          at,
        },
      },
      { type: 'PaymentCaptured', data: { paymentId, amount: '200', at } },
      { type: 'PaymentRefunded', data: { paymentId, refundId: 'r1', amount: '50', reason: 'damaged', at } },
      { type: 'PaymentRefunded', data: { paymentId, refundId: 'r2', amount: '150', reason: null, at } },
    ]);
    expect(facts.map((list) => list.map((fact) => fact.type))).toEqual([
      ['payment.authorized'],
      ['payment.captured'],
      ['refund.succeeded', 'payment.partially_refunded'],
      ['refund.succeeded', 'payment.refunded'],
    ]);
    expect(facts.flat().every((fact) => fact.ownerUserIds.join() === `${user.payer},${user.payee}`)).toBe(true);
    expect(facts[2][0].data).toEqual({
      id: 'r1',
      paymentId,
      amount: 50,
      currency: 'EUR',
      reason: 'damaged',
      status: 'succeeded',
      createdAt: at,
    });
    expect(facts[3][1].data).toMatchObject({ status: 'refunded', capturedAmount: 200, refundedAmount: 200 });
  });
});
