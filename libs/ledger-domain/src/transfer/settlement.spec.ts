import { AccountCommand, AccountEvent, AccountState, evolveAccount, initialAccountState } from '../account/account';
import { AT, decisionSpec } from '../testing/decider-spec';
import { accountOpened } from '../testing/fixtures';
import { settlementsOf, settleTransfer } from './settlement';
import { TransferEvent } from './transfer';

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
