import { AT, deciderSpec, NOW } from '../testing/decider-spec';
import { CALLBACK_CLASSIFICATION, CallbackType, TransferStatus } from './bank-callback-classification';
import { settlementOf } from './settlement';
import {
  classifyCallback,
  decideTransfer,
  evolveTransfer,
  initialTransferState,
  TransferCommand,
  TransferEvent,
  TransferState,
} from './transfer';

const transferId = 'tr-1';
const requested: TransferEvent = {
  type: 'TransferRequested',
  data: { transferId, kind: 'withdrawal', accountId: 'acc-1', userId: 'u-1', amount: '10', currency: 'EUR', at: AT },
};
const callback = (
  eventId: string,
  callbackType: CallbackType,
  outcome: 'APPLY' | 'IGNORE' | 'MANUAL_REVIEW',
): TransferEvent => ({
  type: 'BankCallbackReceived',
  data: {
    transferId,
    eventId,
    callbackType,
    failureReason: callbackType === 'failed' ? 'insufficient_funds' : null,
    outcome,
    at: AT,
  },
});
const parked: TransferEvent = {
  type: 'TransferParked',
  data: { transferId, reason: 'bank refused the transfer with 400', attempts: 1, at: AT },
};
const reach: Record<TransferStatus, TransferEvent[]> = {
  pending: [requested],
  parked: [requested, parked],
  processing: [
    requested,
    callback('e-0', 'processing', 'APPLY'),
    { type: 'TransferProcessing', data: { transferId, at: AT } },
  ],
  succeeded: [
    requested,
    callback('e-0', 'succeeded', 'APPLY'),
    { type: 'TransferSucceeded', data: { transferId, at: AT } },
  ],
  failed: [
    requested,
    callback('e-0', 'failed', 'APPLY'),
    { type: 'TransferFailed', data: { transferId, reason: 'insufficient_funds', at: AT } },
  ],
};
const stateAfter = (events: TransferEvent[]): TransferState => events.reduce(evolveTransfer, initialTransferState);

describe('Transfer', () => {
  const spec = deciderSpec(expect, decideTransfer, evolveTransfer, initialTransferState);

  it('is requested once', () => {
    const request: TransferCommand = {
      type: 'RequestTransfer',
      transferId,
      kind: 'withdrawal',
      accountId: 'acc-1',
      userId: 'u-1',
      amount: 10n,
      currency: 'EUR',
    };
    spec([]).when(request).then([requested]);
    spec([requested]).when(request).thenFails('transfer_exists');
  });

  it('is marked sent to the bank once', () => {
    spec([requested])
      .when({ type: 'MarkSentToBank' })
      .then([{ type: 'TransferSentToBank', data: { transferId, at: AT } }]);
    spec([requested, { type: 'TransferSentToBank', data: { transferId, at: AT } }])
      .when({ type: 'MarkSentToBank' })
      .then([]);
  });

  it('fails when the bank refuses it, unless already settled', () => {
    spec([requested])
      .when({ type: 'FailTransfer', reason: 'invalid_account' })
      .then([{ type: 'TransferFailed', data: { transferId, reason: 'invalid_account', at: AT } }]);
    spec(reach.succeeded).when({ type: 'FailTransfer', reason: 'invalid_account' }).thenFails('transfer_settled');
  });

  describe('parked', () => {
    const sent: TransferEvent = { type: 'TransferSentToBank', data: { transferId, at: AT } };
    const park = { type: 'ParkTransfer', reason: 'bank refused the transfer with 400', attempts: 1 } as const;

    it('is parked only while pending', () => {
      spec([requested]).when(park).then([parked]);
      spec([requested, sent]).when(park).then([parked]);
      spec(reach.processing).when(park).then([]);
      spec(reach.succeeded).when(park).then([]);
      spec(reach.parked).when(park).then([]);
      expect(stateAfter(reach.parked)).toMatchObject({ status: 'parked', parkedReason: park.reason });
    });

    it('is sent again when an operator retries it, and only then', () => {
      const retried: TransferEvent = {
        type: 'TransferRetryRequested',
        data: { transferId, requestedBy: 'u-admin', reason: 'bank fixed', at: AT },
      };
      spec(reach.parked).when({ type: 'RetryTransfer', requestedBy: 'u-admin', reason: 'bank fixed' }).then([retried]);
      expect(stateAfter([...reach.parked, retried])).toMatchObject({
        status: 'pending',
        sentToBank: false,
        parkedReason: null,
      });
      for (const status of ['pending', 'processing', 'succeeded', 'failed'] as const) {
        spec(reach[status])
          .when({ type: 'RetryTransfer', requestedBy: 'u-admin', reason: 'bank fixed' })
          .thenFails('invalid_transfer_state');
      }
    });

    it('is cancelled by an operator, like a transfer not yet sent, but not once the bank has it', () => {
      const cancel = { type: 'CancelTransfer', reason: 'account closed at the bank', cancelledBy: 'u-admin' } as const;
      const cancelled: TransferEvent = {
        type: 'TransferFailed',
        data: { transferId, reason: cancel.reason, cancelledBy: 'u-admin', at: AT },
      };
      spec(reach.parked).when(cancel).then([cancelled]);
      spec([requested]).when(cancel).then([cancelled]);
      expect(stateAfter([...reach.parked, cancelled])).toMatchObject({
        status: 'failed',
        failureReason: cancel.reason,
      });
      spec([requested, sent]).when(cancel).thenFails('invalid_transfer_state');
      for (const status of ['processing', 'succeeded', 'failed'] as const) {
        spec(reach[status]).when(cancel).thenFails('invalid_transfer_state');
      }
    });
  });

  describe('a review of a contradicting callback', () => {
    const flagged = (callbackType: 'succeeded' | 'failed'): TransferEvent => ({
      type: 'TransferFlaggedForReview',
      data: { transferId, eventId: 'e-late', callbackType, reason: 'contradiction', at: AT },
    });
    const resolve = (decision: 'accept_bank' | 'keep_ledger') =>
      ({ type: 'ResolveReview', eventId: 'e-late', decision, note: 'checked', resolvedBy: 'u-admin' }) as const;
    const resolved = (decision: 'accept_bank' | 'keep_ledger'): TransferEvent => ({
      type: 'ReviewResolved',
      data: { transferId, eventId: 'e-late', decision, note: 'checked', resolvedBy: 'u-admin', at: AT },
    });

    it('keeps the ledger’s outcome', () => {
      spec([...reach.succeeded, flagged('failed')])
        .when(resolve('keep_ledger'))
        .then([resolved('keep_ledger')]);
    });

    it('takes the bank’s outcome, either way', () => {
      spec([...reach.succeeded, flagged('failed')])
        .when(resolve('accept_bank'))
        .then([
          resolved('accept_bank'),
          {
            type: 'TransferCorrected',
            data: { transferId, status: 'failed', failureReason: 'failed at the bank (found on review)', at: AT },
          },
        ]);
      spec([...reach.failed, flagged('succeeded')])
        .when(resolve('accept_bank'))
        .then([
          resolved('accept_bank'),
          { type: 'TransferCorrected', data: { transferId, status: 'succeeded', failureReason: null, at: AT } },
        ]);
    });

    it('corrects the outcome once when two reviews say the same', () => {
      const second: TransferEvent = {
        type: 'TransferFlaggedForReview',
        data: { transferId, eventId: 'e-later', callbackType: 'succeeded', reason: 'contradiction', at: AT },
      };
      const corrected: TransferEvent = {
        type: 'TransferCorrected',
        data: { transferId, status: 'succeeded', failureReason: null, at: AT },
      };
      spec([...reach.failed, flagged('succeeded'), second, resolved('accept_bank'), corrected])
        .when({
          type: 'ResolveReview',
          eventId: 'e-later',
          decision: 'accept_bank',
          note: 'checked',
          resolvedBy: 'u-admin',
        })
        .then([
          {
            type: 'ReviewResolved',
            data: {
              transferId,
              eventId: 'e-later',
              decision: 'accept_bank',
              note: 'checked',
              resolvedBy: 'u-admin',
              at: AT,
            },
          },
        ]);
    });

    it('is resolved once, and only when open', () => {
      spec([...reach.succeeded, flagged('failed'), resolved('keep_ledger')])
        .when(resolve('accept_bank'))
        .thenFails('review_not_open');
      spec(reach.succeeded).when(resolve('keep_ledger')).thenFails('review_not_open');
    });

    it('moves the money the other way when the outcome is corrected', () => {
      const transfer = (kind: 'deposit' | 'withdrawal') => ({ transferId, kind, amount: 10n });
      const corrected = (status: 'succeeded' | 'failed'): TransferEvent => ({
        type: 'TransferCorrected',
        data: { transferId, status, failureReason: null, at: AT },
      });
      expect(settlementOf(transfer('deposit'), corrected('failed'))).toMatchObject({ type: 'DebitFunds', amount: 10n });
      expect(settlementOf(transfer('deposit'), corrected('succeeded'))).toMatchObject({ type: 'CreditFunds' });
      expect(settlementOf(transfer('withdrawal'), corrected('failed'))).toMatchObject({ type: 'CreditFunds' });
      expect(settlementOf(transfer('withdrawal'), corrected('succeeded'))).toMatchObject({ type: 'DebitFunds' });
    });
  });

  describe('bank callback classification, cell by cell', () => {
    const cells = (Object.keys(CALLBACK_CLASSIFICATION) as TransferStatus[]).flatMap((status) =>
      (['processing', 'succeeded', 'failed'] as const).map(
        (type) => [status, type, CALLBACK_CLASSIFICATION[status][type]] as const,
      ),
    );

    it.each(cells)('%s transfer + %s callback → %s', (status, callbackType, outcome) => {
      const before = stateAfter(reach[status]);
      const decision = classifyCallback(before, { type: 'HandleBankCallback', eventId: 'e-new', callbackType }, NOW);
      expect(decision.outcome).toBe(outcome);
      expect(decision.events[0]).toMatchObject({ type: 'BankCallbackReceived', data: { eventId: 'e-new', outcome } });
      const after = decision.events.reduce(evolveTransfer, before);
      if (outcome === 'APPLY') expect(after.status).toBe(callbackType);
      else expect(after.status).toBe(status);
      if (outcome === 'MANUAL_REVIEW') expect(decision.events[1].type).toBe('TransferFlaggedForReview');
    });

    it('matches the table of API.md', () => {
      expect(CALLBACK_CLASSIFICATION).toEqual({
        pending: { processing: 'APPLY', succeeded: 'APPLY', failed: 'APPLY' },
        parked: { processing: 'APPLY', succeeded: 'APPLY', failed: 'APPLY' },
        processing: { processing: 'APPLY', succeeded: 'APPLY', failed: 'APPLY' },
        succeeded: { processing: 'IGNORE', succeeded: 'IGNORE', failed: 'MANUAL_REVIEW' },
        failed: { processing: 'IGNORE', succeeded: 'MANUAL_REVIEW', failed: 'IGNORE' },
      });
    });

    it('ignores an event id it has seen, recording nothing', () => {
      const decision = classifyCallback(
        stateAfter(reach.processing),
        { type: 'HandleBankCallback', eventId: 'e-0', callbackType: 'succeeded' },
        NOW,
      );
      expect(decision).toEqual({ outcome: 'IGNORE', events: [] });
    });

    it('rejects a callback for a transfer that does not exist', () => {
      const decision = classifyCallback(
        initialTransferState,
        { type: 'HandleBankCallback', eventId: 'e-1', callbackType: 'succeeded' },
        NOW,
      );
      expect(decision).toEqual({ outcome: 'REJECT', events: [] });
    });

    it('keeps the failure reason of a failed callback', () => {
      const decision = classifyCallback(
        stateAfter(reach.pending),
        { type: 'HandleBankCallback', eventId: 'e-1', callbackType: 'failed', failureReason: 'invalid_account' },
        NOW,
      );
      expect(decision.events.reduce(evolveTransfer, stateAfter(reach.pending))).toMatchObject({
        status: 'failed',
        failureReason: 'invalid_account',
      });
    });
  });
});
