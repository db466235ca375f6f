import { AccountCommand, AccountEvent, AccountState, evolveAccount, initialAccountState } from '../account/account';
import { AT, decisionSpec } from '../testing/decider-spec';
import { accountOpened } from '../testing/fixtures';
import { decideBankCallback, decideTransferChange, settlementsOf, settleTransfer } from './settlement';
import { evolveTransfer, initialTransferState, TransferEvent } from './transfer';

const transferId = 'tr-1';
const accountId = 'acc-1';
const opened = accountOpened(accountId);
const held: AccountEvent = {
  type: 'FundsHeld',
  data: { accountId, holdId: transferId, amount: '10', reference: { type: 'withdrawal', id: transferId }, at: AT },
};
const corrected = (status: 'succeeded' | 'failed'): TransferEvent => ({
  type: 'TransferCorrected',
  data: { transferId, status, failureReason: null, at: AT },
});
const withdrawal = { transferId, kind: 'withdrawal' as const, amount: 10n };

describe('A transfer settlement', () => {
  const given = (history: AccountEvent[]) =>
    decisionSpec(expect, (events: TransferEvent[], account: AccountState, now: Date) =>
      settleTransfer(settlementsOf(withdrawal, events), account, now),
    )(history.reduce(evolveAccount, initialAccountState));

  it('settles the hold of a withdrawal that succeeded, with no need for the exact revision', () =>
    given([opened, held])
      .when([{ type: 'TransferSucceeded', data: { transferId, at: AT } }])
      .then({
        events: [{ type: 'HoldSettled', data: { accountId, holdId: transferId, amount: '10', at: AT } }],
        checked: false,
      }));

  it('debits a withdrawal found to have succeeded on review, checked at the exact revision', () =>
    given([
      opened,
      { type: 'FundsCredited', data: { accountId, amount: '10', reference: { type: 'deposit', id: 'd' }, at: AT } },
    ])
      .when([corrected('succeeded')])
      .then({
        events: [
          {
            type: 'FundsDebited',
            data: { accountId, amount: '10', reference: { type: 'withdrawal', id: transferId }, at: AT },
          },
        ],
        checked: true,
      }));

  it('refuses a correction the account cannot cover', () =>
    given([opened])
      .when([corrected('succeeded')])
      .thenFails('insufficient_funds'));

  it('has nothing to settle for events that move no money', () =>
    expect(settlementsOf(withdrawal, [{ type: 'TransferProcessing', data: { transferId, at: AT } }])).toEqual<
      AccountCommand[]
    >([]));
});

/** A withdrawal of 10 from an account holding 10, its hold taken: the transfer and its account as a change finds them. */
const withdrawalStates = (transfer: TransferEvent[]) => ({
  transfer: [
    {
      type: 'TransferRequested',
      data: { transferId, kind: 'withdrawal', accountId, userId: 'u-1', amount: '10', currency: 'EUR', at: AT },
    } as TransferEvent,
    ...transfer,
  ].reduce(evolveTransfer, initialTransferState),
  account: [
    opened,
    { type: 'FundsCredited', data: { accountId, amount: '10', reference: { type: 'deposit', id: 'd' }, at: AT } },
    held,
  ]
    .map((event): AccountEvent => event as AccountEvent)
    .reduce(evolveAccount, initialAccountState),
});
const sent: TransferEvent = { type: 'TransferSentToBank', data: { transferId, at: AT } };

describe('A bank callback, with the money it moves', () => {
  const given = (transfer: TransferEvent[]) => decisionSpec(expect, decideBankCallback)(withdrawalStates(transfer));
  const callback = (callbackType: 'succeeded' | 'failed') =>
    ({ type: 'HandleBankCallback', eventId: 'cb-1', callbackType }) as const;

  it('applies a success: the transfer succeeds and its hold is settled, in one decision', () =>
    given([sent])
      .when(callback('succeeded'))
      .then({
        outcome: 'APPLY',
        writes: {
          transfer: [
            {
              type: 'BankCallbackReceived',
              data: {
                transferId,
                eventId: 'cb-1',
                callbackType: 'succeeded',
                failureReason: null,
                outcome: 'APPLY',
                at: AT,
              },
            },
            { type: 'TransferSucceeded', data: { transferId, at: AT } },
          ],
          account: [{ type: 'HoldSettled', data: { accountId, holdId: transferId, amount: '10', at: AT } }],
          checked: false,
        },
      }));

  it('ignores a callback already recorded, and moves no money', () =>
    given([
      sent,
      {
        type: 'BankCallbackReceived',
        data: { transferId, eventId: 'cb-1', callbackType: 'failed', failureReason: 'x', outcome: 'APPLY', at: AT },
      },
    ])
      .when(callback('succeeded'))
      .then({ outcome: 'IGNORE', writes: { transfer: [], account: [], checked: false } }));
});

describe('A change to a transfer, with the money it moves', () => {
  const given = (transfer: TransferEvent[]) => decisionSpec(expect, decideTransferChange)(withdrawalStates(transfer));

  it('parks a transfer the bank refused, moving no money', () =>
    given([sent])
      .when({ type: 'ParkTransfer', reason: 'refused', attempts: 1 })
      .then({
        writes: {
          transfer: [{ type: 'TransferParked', data: { transferId, reason: 'refused', attempts: 1, at: AT } }],
          account: [],
          checked: false,
        },
      }));

  it('refuses to retry a transfer that is not parked', () =>
    given([sent])
      .when({ type: 'RetryTransfer', requestedBy: 'admin', reason: null })
      .thenFails('invalid_transfer_state'));
});
