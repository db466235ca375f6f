import { AccountEvent, evolveAccount, initialAccountState } from '../account/account';
import { AT, decisionSpec } from '../testing/decider-spec';
import { accountOpened } from '../testing/fixtures';
import { evolveTransfer, initialTransferState, TransferEvent } from './transfer';
import { decideTransferRequest, TransferRequest } from './transfer-request';

const transferId = 'tr-1';
const accountId = 'acc-1';
const opened = accountOpened(accountId);
const credited: AccountEvent = {
  type: 'FundsCredited',
  data: { accountId, amount: '50', reference: { type: 'deposit', id: 'dep-0' }, at: AT },
};
const request = (kind: 'deposit' | 'withdrawal', amount = 50n): TransferRequest => ({
  transferId,
  kind,
  accountId,
  amount,
});
const requested = (kind: 'deposit' | 'withdrawal'): TransferEvent => ({
  type: 'TransferRequested',
  data: { transferId, kind, accountId, userId: 'u-1', amount: '50', currency: 'EUR', at: AT },
});

describe('A transfer request', () => {
  const given = (history: { account?: AccountEvent[]; transfer?: TransferEvent[] }) =>
    decisionSpec(
      expect,
      decideTransferRequest,
    )({
      account: (history.account ?? []).reduce(evolveAccount, initialAccountState),
      transfer: (history.transfer ?? []).reduce(evolveTransfer, initialTransferState),
    });

  it('records a deposit in the account currency, and touches no account until the bank says so', () =>
    given({ account: [opened] })
      .when(request('deposit'))
      .then({ writes: { transfer: [requested('deposit')], account: [] } }));

  it('holds a withdrawal on its account at once', () =>
    given({ account: [opened, credited] })
      .when(request('withdrawal'))
      .then({
        writes: {
          transfer: [requested('withdrawal')],
          account: [
            {
              type: 'FundsHeld',
              data: {
                accountId,
                holdId: transferId,
                amount: '50',
                reference: { type: 'withdrawal', id: transferId },
                at: AT,
              },
            },
          ],
        },
      }));

  it('refuses a withdrawal of more than is available, and records nothing', () =>
    given({ account: [opened, credited] })
      .when(request('withdrawal', 51n))
      .thenFails('insufficient_funds'));

  it('refuses an account that is not open', () => given({}).when(request('deposit')).thenFails('account_not_found'));

  it('refuses a transfer that exists already', () =>
    given({ account: [opened], transfer: [requested('deposit')] })
      .when(request('deposit'))
      .thenFails('transfer_exists'));
});
