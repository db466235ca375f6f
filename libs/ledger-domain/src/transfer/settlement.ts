import { AccountCommand } from '../account/account';
import { assertNever } from '../shared/result';
import { TransferEvent, TransferKind } from './transfer';

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
