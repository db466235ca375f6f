import { AccountErrorCode, AccountEvent, AccountState, decideAccount } from '../account/account';
import { DomainError, reject } from '../shared/result';
import { decideTransfer, TransferErrorCode, TransferEvent, TransferKind, TransferState } from './transfer';

/** A deposit or withdrawal as its account's owner asks for it. */
export interface TransferRequest {
  transferId: string;
  kind: TransferKind;
  accountId: string;
  amount: bigint;
}

/**
 * What a request writes, per stream: the transfer, and for a withdrawal the hold on its account,
 * checked for funds (so appended at the account's exact revision).
 */
export interface TransferRequestWrites {
  transfer: TransferEvent[];
  account: AccountEvent[];
}

export type TransferRequestRefusalCode = TransferErrorCode | AccountErrorCode;

export type TransferRequestDecision =
  { ok: true; writes: TransferRequestWrites } | { ok: false; error: DomainError<TransferRequestRefusalCode> };

/** A transfer on an open account, in its currency; a withdrawal holds its amount at once. */
export function decideTransferRequest(
  request: TransferRequest,
  states: { transfer: TransferState; account: AccountState },
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
  if (kind === 'deposit') return { ok: true, writes: { transfer: requested.events, account: [] } };
  const hold = decideAccount(
    { type: 'HoldFunds', holdId: transferId, amount, reference: { type: kind, id: transferId } },
    account,
    now,
  );
  if (!hold.ok) return hold;
  return { ok: true, writes: { transfer: requested.events, account: hold.events } };
}
