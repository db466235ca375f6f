import { AccountState, initialAccountState } from '../account/account';
import { BatchCommand, BatchDecision, BatchRecorded, decideInOrder } from '../account/batch';
import { TransferEvent, TransferState, movementIdStreamName, transferStreamName } from './transfer';
import { MovementIdState } from './movement-id';
import { decideTransferRequest, TransferRequest, TransferRequestRefusalCode } from './transfer-request';

export type TransferBatchRecorded = BatchRecorded<'TransferBatchRecorded', TransferRequestRefusalCode>;

export const transferBatchStreamName = (batchId: string) => `transferbatch-${batchId}`;

/** What a batch of deposits and withdrawals is decided on. */
export interface TransferBatchStates {
  /** Each item's transfer, in item order (`none` unless the caller chose an id already used). */
  transfers: readonly TransferState[];
  /** Each item's claim on its id, in item order (see `decideMovementIdClaim`). */
  claims: readonly MovementIdState[];
  /** Each item's id as a transfer of the other kind, in item order. */
  otherKinds: readonly TransferState[];
  /** Every account the items name, by id; absent ones count as unopened. */
  accounts: ReadonlyMap<string, AccountState>;
  /** Whether the caller may move money on an account (its owner, or an admin). */
  mayUse: (account: AccountState) => boolean;
}

/**
 * Deposits and withdrawals decided in order on running account states, each as
 * `decideTransferRequest`; an id an item before it claimed is taken (a given id may be one the
 * batch derives for another item).
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
      const claim = claimedHere.get(item.transferId) ?? states.claims[index];
      const decision = decideTransferRequest(
        item,
        {
          transfer: states.transfers[index],
          claim,
          otherKind: states.otherKinds[index],
          account: states.mayUse(account) ? account : initialAccountState,
        },
        now,
      );
      if (!decision.ok) return decision;
      claimedHere.set(item.transferId, { status: 'claimed', kind: item.kind });
      return {
        ok: true,
        events: decision.writes.transfer,
        others: [{ stream: movementIdStreamName(item.transferId), events: decision.writes.claim }],
        // A withdrawal's hold is checked for funds.
        accounts: [{ accountId: item.accountId, events: decision.writes.account, checked: true }],
      };
    },
    now,
  );
}
