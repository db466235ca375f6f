import { AT, deciderSpec } from '../testing/decider-spec';
import {
  AccountEvent,
  availableAmount,
  decideAccount,
  evolveAccount,
  heldAmount,
  initialAccountState,
  MovementReference,
} from './account';

const spec = deciderSpec(expect, decideAccount, evolveAccount, initialAccountState);
const accountId = 'acc-1';
const deposit: MovementReference = { type: 'deposit', id: 'dep-1' };
const withdrawal: MovementReference = { type: 'withdrawal', id: 'wd-1' };

const opened: AccountEvent = {
  type: 'AccountOpened',
  data: { accountId, userId: 'user-1', currency: 'EUR', openedAt: AT },
};
const credited = (amount: number): AccountEvent => ({
  type: 'FundsCredited',
  data: { accountId, amount: String(amount), reference: deposit, at: AT },
});
const held = (holdId: string, amount: number): AccountEvent => ({
  type: 'FundsHeld',
  data: { accountId, holdId, amount: String(amount), reference: withdrawal, at: AT },
});

describe('Account', () => {
  describe('OpenAccount', () => {
    it('opens a new account', () =>
      spec([]).when({ type: 'OpenAccount', accountId, userId: 'user-1', currency: 'EUR' }).then([opened]));

    it('refuses to open it twice', () =>
      spec([opened])
        .when({ type: 'OpenAccount', accountId, userId: 'user-1', currency: 'EUR' })
        .thenFails('account_exists'));
  });

  describe('CreditFunds', () => {
    it('credits an open account', () =>
      spec([opened])
        .when({ type: 'CreditFunds', amount: 250n, reference: deposit })
        .then([credited(250)]));

    it('refuses an account that does not exist', () =>
      spec([]).when({ type: 'CreditFunds', amount: 250n, reference: deposit }).thenFails('account_not_found'));
  });

  describe('HoldFunds', () => {
    it('holds what is available', () =>
      spec([opened, credited(100)])
        .when({ type: 'HoldFunds', holdId: 'wd-1', amount: 100n, reference: withdrawal })
        .then([held('wd-1', 100)]));

    it('refuses more than is available, counting open holds', () =>
      spec([opened, credited(100), held('wd-0', 60)])
        .when({ type: 'HoldFunds', holdId: 'wd-1', amount: 41n, reference: withdrawal })
        .thenFails('insufficient_funds'));

    it('refuses a hold id already open: another movement holds under it', () =>
      spec([opened, credited(100), held('wd-1', 60)])
        .when({ type: 'HoldFunds', holdId: 'wd-1', amount: 1n, reference: withdrawal })
        .thenFails('transfer_exists'));

    it('refuses an account that does not exist', () =>
      spec([])
        .when({ type: 'HoldFunds', holdId: 'wd-1', amount: 1n, reference: withdrawal })
        .thenFails('account_not_found'));
  });

  describe('ReleaseHold and SettleHold', () => {
    it('releases an open hold for its amount', () =>
      spec([opened, credited(100), held('wd-1', 60)])
        .when({ type: 'ReleaseHold', holdId: 'wd-1' })
        .then([{ type: 'HoldReleased', data: { accountId, holdId: 'wd-1', amount: '60', at: AT } }]));

    it('settles an open hold for its amount', () =>
      spec([opened, credited(100), held('wd-1', 60)])
        .when({ type: 'SettleHold', holdId: 'wd-1' })
        .then([{ type: 'HoldSettled', data: { accountId, holdId: 'wd-1', amount: '60', at: AT } }]));

    it.each(['ReleaseHold', 'SettleHold'] as const)('%s refuses a hold that is not open', (type) =>
      spec([opened, credited(100)])
        .when({ type, holdId: 'wd-1' })
        .thenFails('hold_not_found'),
    );
  });

  it('derives ledger, held and available from its events', () => {
    const events: AccountEvent[] = [
      opened,
      credited(100),
      held('wd-1', 30),
      held('wd-2', 20),
      { type: 'HoldSettled', data: { accountId, holdId: 'wd-1', amount: '30', at: AT } },
      { type: 'HoldReleased', data: { accountId, holdId: 'wd-2', amount: '20', at: AT } },
      held('wd-3', 10),
    ];
    const state = events.reduce(evolveAccount, initialAccountState);
    expect(state).toMatchObject({ status: 'open', ledger: 70n });
    expect(heldAmount(state)).toBe(10n);
    expect(availableAmount(state)).toBe(60n);
  });

  describe('DebitFunds', () => {
    it('debits what is available', () =>
      spec([opened, credited(100)])
        .when({ type: 'DebitFunds', amount: 100n, reference: withdrawal })
        .then([{ type: 'FundsDebited', data: { accountId, amount: '100', reference: withdrawal, at: AT } }]));

    it('refuses more than is available, counting open holds', () =>
      spec([opened, credited(100), held('wd-0', 1)])
        .when({ type: 'DebitFunds', amount: 100n, reference: withdrawal })
        .thenFails('insufficient_funds'));
  });

  describe('partial SettleHold', () => {
    it('debits part of a hold and releases the rest', () =>
      spec([opened, credited(100), held('p-1', 60)])
        .when({ type: 'SettleHold', holdId: 'p-1', amount: 25n })
        .then([{ type: 'HoldSettled', data: { accountId, holdId: 'p-1', amount: '25', released: '35', at: AT } }]));

    it('refuses more than the hold', () =>
      spec([opened, credited(100), held('p-1', 60)])
        .when({ type: 'SettleHold', holdId: 'p-1', amount: 61n })
        .thenFails('amount_exceeds_hold'));

    it('leaves ledger − debited and nothing held', () => {
      const events: AccountEvent[] = [
        opened,
        credited(100),
        held('p-1', 60),
        { type: 'HoldSettled', data: { accountId, holdId: 'p-1', amount: '25', released: '35', at: AT } },
      ];
      const state = events.reduce(evolveAccount, initialAccountState);
      expect(state).toMatchObject({ ledger: 75n, holds: {} });
      expect(availableAmount(state)).toBe(75n);
    });
  });
});
