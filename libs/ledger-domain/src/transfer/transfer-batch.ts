import { AccountState, initialAccountState } from '../account/account';
import { BatchCommand, BatchDecision, BatchRecorded, decideInOrder } from '../account/batch';
import { TransferEvent, TransferState, transferStreamName } from './transfer';
import { decideTransferRequest, TransferRequest, TransferRequestRefusalCode } from './transfer-request';

export type TransferBatchRecorded = BatchRecorded<'TransferBatchRecorded', TransferRequestRefusalCode>;

export const transferBatchStreamName = (batchId: string) => `transferbatch-${batchId}`;

/** What a batch of deposits and withdrawals is decided on. */
export interface TransferBatchStates {
  /** Each item's transfer, in item order (`none` unless the caller chose an id already used). */
  transfers: readonly TransferState[];
  /** Every account the items name, by id; absent ones count as unopened. */
  accounts: ReadonlyMap<string, AccountState>;
  /** Whether the caller may move money on an account (its owner, or an admin). */
  mayUse: (account: AccountState) => boolean;
}

/** Deposits and withdrawals decided in order on running account states, each as `decideTransferRequest`. */
export function decideTransferBatch(
  command: BatchCommand<TransferRequest>,
  states: TransferBatchStates,
  now: Date,
): BatchDecision<TransferEvent, TransferRequestRefusalCode, TransferBatchRecorded> {
  return decideInOrder(
    command,
    'TransferBatchRecorded',
    (item) => transferStreamName(item.kind, item.transferId),
    states.accounts,
    (item, index, accountOf) => {
      const account = accountOf(item.accountId);
      const decision = decideTransferRequest(
        item,
        { transfer: states.transfers[index], account: states.mayUse(account) ? account : initialAccountState },
        now,
      );
      if (!decision.ok) return decision;
      return {
        ok: true,
        events: decision.writes.transfer,
        // A withdrawal's hold is checked for funds.
        accounts: [{ accountId: item.accountId, events: decision.writes.account, checked: true }],
      };
    },
    now,
  );
}
