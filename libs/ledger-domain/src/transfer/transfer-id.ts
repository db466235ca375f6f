import { accept, Decision, reject } from '../shared/result';
import { TransferErrorCode, TransferKind, TransferState } from './transfer';

/**
 * A transfer's id is its own across deposits and withdrawals: the bank's callbacks, and the
 * operators' actions, name only the id. Every transfer claims its id on a stream of its own
 * (`transferIdStreamName`), created in the same append as the transfer, so that of two transfers
 * of one id, whatever their kinds, only one is ever written.
 */
export type TransferIdEvent = {
  type: 'TransferIdClaimed';
  data: { transferId: string; kind: TransferKind; at: string };
};

export type TransferIdState = { status: 'none' } | { status: 'claimed'; kind: TransferKind };

export const initialTransferIdState: TransferIdState = { status: 'none' };

export function evolveTransferId(state: TransferIdState, event: TransferIdEvent): TransferIdState {
  return state.status === 'none' ? { status: 'claimed', kind: event.data.kind } : state;
}

/**
 * Claims a new transfer's id: refused when a transfer holds it already, by its claim or, for one
 * written before ids were claimed, by the stream of the other kind.
 */
export function decideTransferIdClaim(
  request: { transferId: string; kind: TransferKind },
  states: { claim: TransferIdState; otherKind: TransferState },
  now: Date,
): Decision<TransferIdEvent, TransferErrorCode> {
  if (states.claim.status !== 'none' || states.otherKind.status !== 'none') {
    return reject(
      'transfer_exists',
      'The transfer already exists: a transfer id is unique across deposits and withdrawals.',
    );
  }
  const { transferId, kind } = request;
  return accept({ type: 'TransferIdClaimed', data: { transferId, kind, at: now.toISOString() } });
}

/** The other kind: whose stream a claim is checked against, for transfers made before ids were claimed. */
export const otherTransferKind = (kind: TransferKind): TransferKind => (kind === 'deposit' ? 'withdrawal' : 'deposit');
