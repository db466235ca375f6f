import fc from 'fast-check';
import {
  AccountEvent,
  AccountState,
  availableAmount,
  decideAccount,
  evolveAccount,
  heldAmount,
  initialAccountState,
} from '../account/account';
import { NOW } from '../testing/decider-spec';
import { CallbackType } from './bank-callback-classification';
import { settlementOf } from './settlement';
import {
  classifyCallback,
  decideTransfer,
  evolveTransfer,
  initialTransferState,
  TransferEvent,
  TransferKind,
  TransferState,
} from './transfer';

type Step =
  | { type: 'request'; kind: TransferKind; amount: number }
  | { type: 'callback'; transfer: number; callbackType: CallbackType; repeatEventId: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    type: fc.constant('request' as const),
    kind: fc.constantFrom<TransferKind>('deposit', 'withdrawal'),
    amount: fc.integer({ min: 1, max: 500 }),
  }),
  fc.record({
    type: fc.constant('callback' as const),
    transfer: fc.nat({ max: 20 }),
    callbackType: fc.constantFrom<CallbackType>('processing', 'succeeded', 'failed'),
    repeatEventId: fc.boolean(),
  }),
);

/** Plays steps the way the command handlers will: decide, append, evolve; account effects through settlementOf. */
function play(steps: Step[], check: (account: AccountState, transfers: TransferState[]) => void) {
  const accountId = 'acc-1';
  const accountEvents: AccountEvent[] = [
    { type: 'AccountOpened', data: { accountId, userId: 'u-1', currency: 'EUR', openedAt: NOW.toISOString() } },
  ];
  let account = accountEvents.reduce(evolveAccount, initialAccountState);
  const transferEvents: TransferEvent[][] = [];
  let transfers: TransferState[] = [];
  let callbacks = 0;

  const applyToAccount = (events: AccountEvent[]) => {
    accountEvents.push(...events);
    account = events.reduce(evolveAccount, account);
  };

  for (const current of steps) {
    if (current.type === 'request') {
      const transferId = `tr-${transfers.length}`;
      const amount = BigInt(current.amount);
      if (current.kind === 'withdrawal') {
        const hold = decideAccount(
          { type: 'HoldFunds', holdId: transferId, amount, reference: { type: 'withdrawal', id: transferId } },
          account,
          NOW,
        );
        if (!hold.ok) {
          expect(hold.error.code).toBe('insufficient_funds');
          continue;
        }
        applyToAccount(hold.events);
      }
      const requested = decideTransfer(
        { type: 'RequestTransfer', transferId, kind: current.kind, accountId, userId: 'u-1', amount, currency: 'EUR' },
        initialTransferState,
        NOW,
      );
      if (!requested.ok) throw new Error(requested.error.message);
      transferEvents.push(requested.events);
      transfers = [...transfers, requested.events.reduce(evolveTransfer, initialTransferState)];
    } else if (transfers.length > 0) {
      const index = current.transfer % transfers.length;
      const before = transfers[index];
      const eventId = current.repeatEventId && callbacks > 0 ? `cb-${callbacks - 1}` : `cb-${callbacks++}`;
      const decision = classifyCallback(
        before,
        { type: 'HandleBankCallback', eventId, callbackType: current.callbackType },
        NOW,
      );
      transferEvents[index].push(...decision.events);
      const after = decision.events.reduce(evolveTransfer, before);
      transfers = transfers.map((transfer, position) => (position === index ? after : transfer));
      if (before.status === 'none') continue;
      for (const event of decision.events) {
        const command = settlementOf(before, event);
        if (!command) continue;
        const settled = decideAccount(command, account, NOW);
        if (!settled.ok) throw new Error(`settlement refused: ${settled.error.code}`);
        applyToAccount(settled.events);
      }
    }
    check(account, transfers);
  }

  expect(accountEvents.reduce(evolveAccount, initialAccountState)).toEqual(account);
  transferEvents.forEach((events, index) =>
    expect(events.reduce(evolveTransfer, initialTransferState)).toEqual(transfers[index]),
  );
}

describe('deposits, withdrawals and bank callbacks (property)', () => {
  it('never make available negative, hold exactly the pending withdrawals, and replay to the same state', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) =>
        play(steps, (account, transfers) => {
          expect(availableAmount(account)).toBeGreaterThanOrEqual(0n);
          const pendingWithdrawals = transfers
            .filter((transfer) => transfer.status === 'pending' || transfer.status === 'processing')
            .reduce(
              (sum, transfer) =>
                sum + (transfer.status !== 'none' && transfer.kind === 'withdrawal' ? transfer.amount : 0n),
              0n,
            );
          expect(heldAmount(account)).toBe(pendingWithdrawals);
          const settled = transfers.reduce((sum, transfer) => {
            if (transfer.status !== 'succeeded') return sum;
            return transfer.kind === 'deposit' ? sum + transfer.amount : sum - transfer.amount;
          }, 0n);
          expect(account.status === 'open' && account.ledger).toBe(settled);
        }),
      ),
      { numRuns: 300 },
    );
  });
});
