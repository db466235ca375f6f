import { TransferState } from '@ledger/ledger-domain';
import { jsonAmount } from '../http/json-amount';
import { TransferResponse } from './transfer.response';

export function toTransferResponse(state: TransferState): TransferResponse {
  if (state.status === 'none') throw new Error('No transfer to show');
  return {
    id: state.transferId,
    accountId: state.accountId,
    amount: jsonAmount(state.amount),
    currency: state.currency,
    status: state.status,
    failureReason: state.failureReason,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
  };
}
