import { AccountErrorCode, AccountEvent, AccountState, decideAccount } from '../account/account';
import { DomainError, reject } from '../shared/result';
import { decideTransfer, TransferErrorCode, TransferEvent, TransferKind, TransferState } from './transfer';
import { decideMovementIdClaim, MovementIdEvent, MovementIdState } from './movement-id';

/** A deposit or withdrawal as its account's owner asks for it. */
export interface TransferRequest {
  transferId: string;
  kind: TransferKind;
  accountId: string;
  amount: bigint;
}

/**
 * What a request writes, per stream: the transfer, the claim on its id (new, so appended where
 * none is), and for a withdrawal the hold on its account, checked for funds (so appended at the
 * account's exact revision).
 */
export interface TransferRequestWrites {
  transfer: TransferEvent[];
  claim: MovementIdEvent[];
  account: AccountEvent[];
}

/**
 * What a request is decided on: its transfer's stream, its account, and the claim on its id with
 * the stream of the id's other kind (a transfer written before ids were claimed has no claim).
 */
export interface TransferRequestStates {
  transfer: TransferState;
  claim: MovementIdState;
  otherKind: TransferState;
  account: AccountState;
}

export type TransferRequestRefusalCode = TransferErrorCode | AccountErrorCode;

export type TransferRequestDecision =
  { ok: true; writes: TransferRequestWrites } | { ok: false; error: DomainError<TransferRequestRefusalCode> };

/**
 * A transfer on an open account, in its currency, with an id no transfer of either kind has; a
 * withdrawal holds its amount at once.
 */
export function decideTransferRequest(
  request: TransferRequest,
  states: TransferRequestStates,
  now: Date,
): TransferRequestDecision {
  const { account } = states;
  if (account.status !== 'open') return reject('account_not_found', 'No such account.');
  const { transferId, kind, amount } = request;
  const requested = decideTransfer(
    { type: 'RequestTransfer', ...request, userId: account.userId, currency: account.currency },
    states.transfer,
    now,
  );
  if (!requested.ok) return requested;
  const claimed = decideMovementIdClaim({ movementId: transferId, kind }, states, now);
  if (!claimed.ok) return claimed;
  const claim = claimed.events;
  if (kind === 'deposit') return { ok: true, writes: { transfer: requested.events, claim, account: [] } };
  const hold = decideAccount(
    { type: 'HoldFunds', holdId: transferId, amount, reference: { type: kind, id: transferId } },
    account,
    now,
  );
  if (!hold.ok) return hold;
  return { ok: true, writes: { transfer: requested.events, claim, account: hold.events } };
}
