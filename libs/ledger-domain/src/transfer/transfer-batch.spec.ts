import { AccountEvent, AccountState, evolveAccount, initialAccountState } from '../account/account';
import { AT, NOW } from '../testing/decider-spec';
import { BatchMode } from '../account/batch';
import { initialTransferState } from './transfer';
import { initialMovementIdState, MovementIdState } from './movement-id';
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

/** Ids a movement holds already (by their claim), and the items whose id the ledger derived (not claimed). */
interface Taken {
  claims?: Record<string, MovementIdState>;
  derived?: number[];
}

/** given(funds) / when(mode, items): the batch decided on one account; every id chosen unless `derived`. */
const given = (funds: number, mayUse = () => true, taken: Taken = {}) => ({
  when: (mode: BatchMode, items: TransferRequest[]) =>
    decideTransferBatch(
      { batchId: 'batch-1', mode, items },
      {
        transfers: items.map(() => initialTransferState),
        claims: items.map((item, index) =>
          taken.derived?.includes(index) ? undefined : (taken.claims?.[item.transferId] ?? initialMovementIdState),
        ),
        accounts: new Map([['acc', opened('acc', funds)]]),
        mayUse,
      },
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

  it("claims each written item's id the caller chose on its own stream, whatever its kind, and no derived one", () => {
    const items = [transfer(0, 'deposit', 5n), transfer(1, 'withdrawal', 5n), transfer(2, 'deposit', 5n)];
    const decision = given(100, undefined, { derived: [2] }).when('independent', items);
    expect(decision).toMatchObject({
      ok: true,
      items: [
        {
          ok: true,
          others: [
            {
              stream: 'movementid-t-0',
              events: [{ type: 'MovementIdClaimed', data: { movementId: 't-0', kind: 'deposit' } }],
            },
          ],
        },
        {
          ok: true,
          others: [
            {
              stream: 'movementid-t-1',
              events: [{ type: 'MovementIdClaimed', data: { movementId: 't-1', kind: 'withdrawal' } }],
            },
          ],
        },
        { ok: true },
      ],
    });
    expect(decision.ok && decision.items[2]).not.toHaveProperty('others');
  });

  it('refuses an item whose id a transfer of the other kind holds, as an id already used', () => {
    const taken: Taken = { claims: { 't-0': { status: 'claimed', kind: 'withdrawal' } } };
    const items = [transfer(0, 'deposit', 1000n), transfer(1, 'deposit', 1n)];
    expect(given(100, undefined, taken).when('independent', items)).toMatchObject({
      ok: true,
      items: [{ ok: false, error: { code: 'transfer_exists' } }, { ok: true }],
    });
    expect(given(100, undefined, taken).when('atomic', items)).toMatchObject({
      ok: false,
      index: 0,
      error: { code: 'transfer_exists' },
    });
  });

  it('refuses an item whose id an item before it took, of either kind', () =>
    expect(
      given(100).when('independent', [
        transfer(0, 'withdrawal', 10n),
        transfer(0, 'deposit', 10n),
        transfer(0, 'withdrawal', 10n),
      ]),
    ).toMatchObject({
      ok: true,
      items: [
        { ok: true },
        { ok: false, error: { code: 'transfer_exists' } },
        { ok: false, error: { code: 'transfer_exists' } },
      ],
    }));

  it('refuses transfer_exists an item whose id a payment claimed (a payment batch item given that id)', () =>
    expect(
      given(100, undefined, { claims: { 't-0': { status: 'claimed', kind: 'payment' } } }).when('independent', [
        transfer(0, 'withdrawal', 10n),
        transfer(1, 'deposit', 10n),
      ]),
    ).toMatchObject({ ok: true, items: [{ ok: false, error: { code: 'transfer_exists' } }, { ok: true }] }));
});
