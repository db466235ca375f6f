import { AccountEvent, AccountState, evolveAccount, initialAccountState } from '../account/account';
import { AT, NOW } from '../testing/decider-spec';
import { BatchMode } from '../account/batch';
import { initialTransferState } from './transfer';
import { TransferRequest } from './transfer-request';
import { decideTransferBatch } from './transfer-batch';

const opened = (accountId: string, funds: number): AccountState =>
  (
    [
      { type: 'AccountOpened', data: { accountId, userId: `u-${accountId}`, currency: 'EUR', openedAt: AT } },
      {
        type: 'FundsCredited',
        data: { accountId, amount: String(funds), reference: { type: 'deposit', id: `dep-${accountId}` }, at: AT },
      },
    ] satisfies AccountEvent[]
  ).reduce(evolveAccount, initialAccountState);

const transfer = (index: number, kind: TransferRequest['kind'], amount: bigint): TransferRequest => ({
  transferId: `t-${index}`,
  kind,
  accountId: 'acc',
  amount,
});

/** given(funds) / when(mode, items): the batch decided on one account. */
const given = (funds: number, mayUse = () => true) => ({
  when: (mode: BatchMode, items: TransferRequest[]) =>
    decideTransferBatch(
      { batchId: 'batch-1', mode, items },
      { transfers: items.map(() => initialTransferState), accounts: new Map([['acc', opened('acc', funds)]]), mayUse },
      NOW,
    ),
});

describe('A batch of deposits and withdrawals', () => {
  it('holds each withdrawal on what the withdrawals before it left, a deposit adding nothing until the bank pays', () => {
    const decision = given(100).when('independent', [
      transfer(0, 'withdrawal', 70n),
      transfer(1, 'deposit', 500n),
      transfer(2, 'withdrawal', 40n),
      transfer(3, 'withdrawal', 30n),
    ]);
    expect(decision).toMatchObject({
      ok: true,
      items: [
        { ok: true, events: [{ type: 'TransferRequested', data: { transferId: 't-0', kind: 'withdrawal' } }] },
        { ok: true, events: [{ type: 'TransferRequested', data: { transferId: 't-1', kind: 'deposit' } }] },
        { ok: false, error: { code: 'insufficient_funds' } },
        { ok: true },
      ],
    });
    expect(decision.ok && decision.accounts.get('acc')).toMatchObject({
      events: [
        { type: 'FundsHeld', data: { holdId: 't-0', amount: '70' } },
        { type: 'FundsHeld', data: { holdId: 't-3', amount: '30' } },
      ],
      checked: true,
    });
    expect(decision.ok && decision.recorded.data.items.map((item) => item.stream)).toEqual([
      'withdrawal-t-0',
      'deposit-t-1',
      'withdrawal-t-2',
      'withdrawal-t-3',
    ]);
  });

  it('refuses an atomic batch at its first refused item, naming it', () =>
    expect(given(100).when('atomic', [transfer(0, 'withdrawal', 70n), transfer(1, 'withdrawal', 31n)])).toMatchObject({
      ok: false,
      index: 1,
      error: { code: 'insufficient_funds' },
    }));

  it('treats an account the caller may not use as absent', () =>
    expect(given(100, () => false).when('atomic', [transfer(0, 'deposit', 1n)])).toMatchObject({
      ok: false,
      index: 0,
      error: { code: 'account_not_found' },
    }));
});
