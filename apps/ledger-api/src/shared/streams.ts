import { StreamSpec } from '@ledger/event-sourcing';
import {
  accountStreamName,
  evolveAccount,
  evolvePayment,
  evolveReconciliation,
  evolveTransfer,
  evolveMovementId,
  evolveUser,
  initialAccountState,
  initialPaymentState,
  initialReconciliationState,
  initialTransferState,
  initialMovementIdState,
  initialUserState,
  paymentStreamName,
  reconciliationStreamName,
  TransferKind,
  movementIdStreamName,
  transferStreamName,
  userStreamName,
} from '@ledger/ledger-domain';

/** How a command treats a stream it reads (see `StreamSpec`). */
export type Treatment = Pick<StreamSpec, 'queued' | 'settled' | 'lastingFactsOnly' | 'presumedNew'>;

/** The ledger's aggregates as streams: each one's name, evolve and initial state. */
export const accountStream = (accountId: string, treatment: Treatment = {}) => ({
  name: accountStreamName(accountId),
  evolve: evolveAccount,
  initialState: initialAccountState,
  ...treatment,
});

export const paymentStream = (paymentId: string, treatment: Treatment = {}) => ({
  name: paymentStreamName(paymentId),
  evolve: evolvePayment,
  initialState: initialPaymentState,
  ...treatment,
});

export const transferStream = (kind: TransferKind, transferId: string, treatment: Treatment = {}) => ({
  name: transferStreamName(kind, transferId),
  evolve: evolveTransfer,
  initialState: initialTransferState,
  ...treatment,
});

/** The claim on a movement's id (a transfer's, or a payment's chosen one), whatever its kind. */
export const movementIdStream = (movementId: string) => ({
  name: movementIdStreamName(movementId),
  evolve: evolveMovementId,
  initialState: initialMovementIdState,
});

export const userStream = (userId: string) => ({
  name: userStreamName(userId),
  evolve: evolveUser,
  initialState: initialUserState,
});

export const reconciliationStream = (reconciliationId: string, treatment: Treatment = {}) => ({
  name: reconciliationStreamName(reconciliationId),
  evolve: evolveReconciliation,
  initialState: initialReconciliationState,
  ...treatment,
});
