import { AccountCommand, AccountErrorCode, AccountEvent, AccountState, decideAccount } from '../account/account';
import { assertNever, DomainError } from '../shared/result';
import { CallbackOutcome } from './bank-callback-classification';
import {
  classifyCallback,
  decideTransfer,
  TransferCommand,
  TransferErrorCode,
  TransferEvent,
  TransferKind,
  TransferState,
} from './transfer';

/**
 * What a transfer's outcome does to its account: a deposit that succeeded is credited; a
 * withdrawal's hold is settled when it succeeded and released when it failed; an outcome corrected
 * after review credits or debits the difference.
 */
export function settlementOf(
  transfer: { transferId: string; kind: TransferKind; amount: bigint },
  event: TransferEvent,
): AccountCommand | undefined {
  const reference = { type: transfer.kind, id: transfer.transferId };
  switch (event.type) {
    case 'TransferSucceeded':
      return transfer.kind === 'deposit'
        ? { type: 'CreditFunds', amount: transfer.amount, reference }
        : { type: 'SettleHold', holdId: transfer.transferId };
    case 'TransferFailed':
      return transfer.kind === 'withdrawal' ? { type: 'ReleaseHold', holdId: transfer.transferId } : undefined;
    // The ledger settled the other way: money the ledger kept left after all, or the other way round.
    case 'TransferCorrected': {
      const intoAccount = (event.data.status === 'succeeded') === (transfer.kind === 'deposit');
      return intoAccount
        ? { type: 'CreditFunds', amount: transfer.amount, reference }
        : { type: 'DebitFunds', amount: transfer.amount, reference };
    }
    case 'TransferRequested':
    case 'TransferSentToBank':
    case 'TransferParked':
    case 'TransferRetryRequested':
    case 'BankCallbackReceived':
    case 'TransferProcessing':
    case 'TransferFlaggedForReview':
    case 'ReviewResolved':
      return undefined;
    default:
      return assertNever(event);
  }
}

/** The account commands a transfer's new events settle; none for most events. */
export function settlementsOf(
  transfer: { transferId: string; kind: TransferKind; amount: bigint },
  events: readonly TransferEvent[],
): AccountCommand[] {
  return events.map((event) => settlementOf(transfer, event)).filter((command) => command !== undefined);
}

/**
 * The account events of a transfer's settlements, decided on the account as read. Only a debit
 * (an outcome corrected after review) lowers `available`: `checked` says the account must then be
 * appended at the exact revision it was read at.
 */
export function settleTransfer(
  settlements: readonly AccountCommand[],
  account: AccountState,
  now: Date,
): { ok: true; events: AccountEvent[]; checked: boolean } | { ok: false; error: DomainError<AccountErrorCode> } {
  const events: AccountEvent[] = [];
  for (const command of settlements) {
    const decision = decideAccount(command, account, now);
    if (!decision.ok) return decision;
    events.push(...decision.events);
  }
  return { ok: true, events, checked: settlements.some((command) => command.type === 'DebitFunds') };
}

/**
 * What a change to a transfer writes, per stream: the transfer's events and the money they move on
 * its account. `checked`: the account's funds were checked, so it is appended at the exact
 * revision it was read at.
 */
export interface TransferChangeWrites {
  transfer: TransferEvent[];
  account: AccountEvent[];
  checked: boolean;
}

export type TransferChangeDecision =
  { ok: true; writes: TransferChangeWrites } | { ok: false; error: DomainError<TransferErrorCode | AccountErrorCode> };

/** Everything a change to a transfer is decided on: the transfer and its account. */
export interface TransferStates {
  transfer: TransferState;
  account: AccountState;
}

/** A change the dispatcher or an operator makes to a transfer (park, retry, cancel, resolve a review), with the money it moves. */
export function decideTransferChange(
  command: Exclude<TransferCommand, { type: 'RequestTransfer' | 'HandleBankCallback' }>,
  states: TransferStates,
  now: Date,
): TransferChangeDecision {
  const decided = decideTransfer(command, states.transfer, now);
  if (!decided.ok) return decided;
  return withSettlement(decided.events, states, now);
}

/** A bank callback classified against its transfer (`outcome`, the bank's answer), with the money it moves. */
export function decideBankCallback(
  command: Extract<TransferCommand, { type: 'HandleBankCallback' }>,
  states: TransferStates,
  now: Date,
):
  | ({ outcome: CallbackOutcome } & Extract<TransferChangeDecision, { ok: true }>)
  | Extract<TransferChangeDecision, { ok: false }> {
  const { outcome, events } = classifyCallback(states.transfer, command, now);
  const decision = withSettlement(events, states, now);
  return decision.ok ? { ...decision, outcome } : decision;
}

/** A transfer's new events and the account events they settle, decided on the account as read. */
function withSettlement(
  events: TransferEvent[],
  { transfer, account }: TransferStates,
  now: Date,
): TransferChangeDecision {
  const settlements = transfer.status === 'none' ? [] : settlementsOf(transfer, events);
  if (settlements.length === 0) return { ok: true, writes: { transfer: events, account: [], checked: false } };
  const settled = settleTransfer(settlements, account, now);
  if (!settled.ok) return settled;
  return { ok: true, writes: { transfer: events, account: settled.events, checked: settled.checked } };
}
