import { Currency } from '../money/currency';
import { accept, assertNever, Decision, reject } from '../shared/result';

/** What a movement of money on an account is for. */
export interface MovementReference {
  type: 'deposit' | 'withdrawal' | 'payment' | 'refund';
  id: string;
}

/** Amounts travel in events as decimal strings: JSON has no bigint. */
export type AccountEvent =
  | { type: 'AccountOpened'; data: { accountId: string; userId: string; currency: Currency; openedAt: string } }
  | { type: 'FundsCredited'; data: { accountId: string; amount: string; reference: MovementReference; at: string } }
  | {
      type: 'FundsHeld';
      data: { accountId: string; holdId: string; amount: string; reference: MovementReference; at: string };
    }
  | { type: 'HoldReleased'; data: { accountId: string; holdId: string; amount: string; at: string } }
  /** `amount` of the hold leaves the account; `released` (the rest of a partial capture) goes back to available. */
  | { type: 'HoldSettled'; data: { accountId: string; holdId: string; amount: string; released?: string; at: string } }
  | { type: 'FundsDebited'; data: { accountId: string; amount: string; reference: MovementReference; at: string } };

/** Every account event type, for readers of `$all` that pick account events out of the rest. */
export const ACCOUNT_EVENT_TYPES: ReadonlySet<string> = new Set<string>([
  'AccountOpened',
  'FundsCredited',
  'FundsHeld',
  'HoldReleased',
  'HoldSettled',
  'FundsDebited',
] satisfies AccountEvent['type'][]);

export type AccountCommand =
  | { type: 'OpenAccount'; accountId: string; userId: string; currency: Currency }
  | { type: 'CreditFunds'; amount: bigint; reference: MovementReference }
  | { type: 'HoldFunds'; holdId: string; amount: bigint; reference: MovementReference }
  | { type: 'ReleaseHold'; holdId: string }
  /** Debits `amount` of the hold (all of it by default) and releases the rest. */
  | { type: 'SettleHold'; holdId: string; amount?: bigint }
  | { type: 'DebitFunds'; amount: bigint; reference: MovementReference };

export type AccountErrorCode =
  | 'account_exists'
  | 'account_not_found'
  | 'insufficient_funds'
  | 'payment_exists'
  | 'transfer_exists'
  | 'hold_not_found'
  | 'amount_exceeds_hold';

export type AccountState =
  | { status: 'unopened' }
  | {
      status: 'open';
      accountId: string;
      userId: string;
      currency: Currency;
      /** Settled money. */
      ledger: bigint;
      /** Open holds by id; `available` = ledger − their sum. */
      holds: Readonly<Record<string, bigint>>;
    };

export const initialAccountState: AccountState = { status: 'unopened' };

export function heldAmount(state: AccountState): bigint {
  if (state.status !== 'open') return 0n;
  return Object.values(state.holds).reduce((sum, amount) => sum + amount, 0n);
}

export function availableAmount(state: AccountState): bigint {
  return state.status === 'open' ? state.ledger - heldAmount(state) : 0n;
}

/**
 * Every command that lowers `available` checks funds on the state it was read at; the caller
 * appends with that state's exact revision, which is the whole overdraft guarantee.
 */
export function decideAccount(
  command: AccountCommand,
  state: AccountState,
  now: Date,
): Decision<AccountEvent, AccountErrorCode> {
  const at = now.toISOString();
  if (command.type === 'OpenAccount') {
    if (state.status !== 'unopened') return reject('account_exists', 'The account already exists.');
    const { accountId, userId, currency } = command;
    return accept({ type: 'AccountOpened', data: { accountId, userId, currency, openedAt: at } });
  }
  if (state.status !== 'open') return reject('account_not_found', 'The account does not exist.');
  const { accountId } = state;
  switch (command.type) {
    case 'CreditFunds':
      return accept({
        type: 'FundsCredited',
        data: { accountId, amount: command.amount.toString(), reference: command.reference, at },
      });
    case 'HoldFunds':
      // A hold is placed only for a new payment or withdrawal, and its id is theirs: one open under
      // that id is another movement's (payment and transfer ids are each unique only among their
      // own), which taken as this one's would let either settle or release the other's money.
      if (command.holdId in state.holds) {
        return command.reference.type === 'payment'
          ? reject('payment_exists', 'The id is already used: funds are held under it on the payer account.')
          : reject('transfer_exists', 'The id is already used: funds are held under it on the account.');
      }
      if (availableAmount(state) < command.amount) {
        return reject('insufficient_funds', 'The account does not have enough available funds.');
      }
      return accept({
        type: 'FundsHeld',
        data: {
          accountId,
          holdId: command.holdId,
          amount: command.amount.toString(),
          reference: command.reference,
          at,
        },
      });
    case 'DebitFunds':
      if (availableAmount(state) < command.amount) {
        return reject('insufficient_funds', 'The account does not have enough available funds.');
      }
      return accept({
        type: 'FundsDebited',
        data: { accountId, amount: command.amount.toString(), reference: command.reference, at },
      });
    case 'ReleaseHold': {
      const amount = state.holds[command.holdId];
      if (amount === undefined) return reject('hold_not_found', 'No open hold has that id.');
      return accept({
        type: 'HoldReleased',
        data: { accountId, holdId: command.holdId, amount: amount.toString(), at },
      });
    }
    case 'SettleHold': {
      const held = state.holds[command.holdId];
      if (held === undefined) return reject('hold_not_found', 'No open hold has that id.');
      const amount = command.amount ?? held;
      if (amount > held) return reject('amount_exceeds_hold', 'The amount is larger than the hold.');
      const data = { accountId, holdId: command.holdId, amount: amount.toString(), at };
      return accept({
        type: 'HoldSettled',
        data: amount < held ? { ...data, released: (held - amount).toString() } : data,
      });
    }
    default:
      return assertNever(command);
  }
}

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  if (event.type === 'AccountOpened') {
    const { accountId, userId, currency } = event.data;
    return { status: 'open', accountId, userId, currency, ledger: 0n, holds: {} };
  }
  if (state.status !== 'open') return state;
  switch (event.type) {
    case 'FundsCredited':
      return { ...state, ledger: state.ledger + BigInt(event.data.amount) };
    case 'FundsDebited':
      return { ...state, ledger: state.ledger - BigInt(event.data.amount) };
    case 'FundsHeld':
      return { ...state, holds: { ...state.holds, [event.data.holdId]: BigInt(event.data.amount) } };
    case 'HoldReleased':
      return { ...state, holds: withoutHold(state.holds, event.data.holdId) };
    case 'HoldSettled':
      return {
        ...state,
        ledger: state.ledger - BigInt(event.data.amount),
        holds: withoutHold(state.holds, event.data.holdId),
      };
    default:
      return assertNever(event);
  }
}

function withoutHold(holds: Readonly<Record<string, bigint>>, holdId: string): Record<string, bigint> {
  const rest = { ...holds };
  delete rest[holdId];
  return rest;
}

export const accountStreamName = (accountId: string) => `account-${accountId}`;
