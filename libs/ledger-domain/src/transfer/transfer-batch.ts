import { AccountState, initialAccountState } from '../account/account';
import { BatchCommand, BatchDecision, BatchRecorded, decideInOrder } from '../account/batch';
import { TransferEvent, TransferState, movementIdStreamName, transferStreamName } from './transfer';
import { claimChosenId, MovementIdState } from './movement-id';
import { decideTransferRequest, TransferRequest, TransferRequestRefusalCode } from './transfer-request';

export type TransferBatchRecorded = BatchRecorded<'TransferBatchRecorded', TransferRequestRefusalCode>;

export const transferBatchStreamName = (batchId: string) => `transferbatch-${batchId}`;

/** What a batch of deposits and withdrawals is decided on. */
export interface TransferBatchStates {
  /** Each item's transfer, in item order (`none` unless the caller chose an id already used). */
  transfers: readonly TransferState[];
  /**
   * Each item's claim on its id, in item order, when the caller chose the id; `undefined` for an id
   * the ledger derived (version 8, in a namespace of its own: no movement can have it, so it is
   * neither read nor claimed). See `claimChosenId`.
   */
  claims: readonly (MovementIdState | undefined)[];
  /** Every account the items name, by id; absent ones count as unopened. */
  accounts: ReadonlyMap<string, AccountState>;
  /** Whether the caller may move money on an account (its owner, or an admin). */
  mayUse: (account: AccountState) => boolean;
}

/**
 * Deposits and withdrawals decided in order on running account states, each as
 * `decideTransferRequest`; an item whose id the caller chose also claims it, and is refused
 * `transfer_exists` when any movement (a payment, a deposit, a withdrawal, or an item before it)
 * holds it already: bank callbacks name a transfer by its id alone.
 */
export function decideTransferBatch(
  command: BatchCommand<TransferRequest>,
  states: TransferBatchStates,
  now: Date,
): BatchDecision<TransferEvent, TransferRequestRefusalCode, TransferBatchRecorded> {
  const claimedHere = new Map<string, MovementIdState>();
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
      const claimed = claimChosenId(
        { movementId: item.transferId, kind: item.kind },
        states.claims[index],
        claimedHere,
        now,
      );
      if (claimed && !claimed.ok) return claimed;
      return {
        ok: true,
        events: decision.writes.transfer,
        ...(claimed && { others: [{ stream: movementIdStreamName(item.transferId), events: claimed.events }] }),
        // A withdrawal's hold is checked for funds.
        accounts: [{ accountId: item.accountId, events: decision.writes.account, checked: true }],
      };
    },
    now,
  );
}
