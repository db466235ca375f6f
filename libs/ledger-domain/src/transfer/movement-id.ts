import { accept, Decision, reject } from '../shared/result';
import { TransferKind, TransferState } from './transfer';

/** What moves money under an id of its own: a payment, a deposit or a withdrawal. */
export type MovementKind = TransferKind | 'payment';

/**
 * A movement's id is its own across payments, deposits and withdrawals: the bank's callbacks and
 * the operators' actions name a transfer by its id alone, and the read models (transactions,
 * journal holds) key a movement by its bare id. A movement whose id a client chose, and every
 * transfer, claims its id on a stream of its own (`movementIdStreamName`), created in the same
 * append as the movement, so that of two movements of one id, whatever their kinds, only one is
 * ever written. (An id the ledger derives is UUID version 8, in a namespace of its own, and a
 * client may not choose one: a payment with a derived id needs no claim.)
 */
export type MovementIdEvent = {
  type: 'MovementIdClaimed';
  data: { movementId: string; kind: MovementKind; at: string };
};

export type MovementIdState = { status: 'none' } | { status: 'claimed'; kind: MovementKind };

export const initialMovementIdState: MovementIdState = { status: 'none' };

export function evolveMovementId(state: MovementIdState, event: MovementIdEvent): MovementIdState {
  return state.status === 'none' ? { status: 'claimed', kind: event.data.kind } : state;
}

/**
 * Claims a new movement's id: refused when a movement of any kind holds it already, by its claim
 * or, for a transfer written before ids were claimed, by the stream of the other kind. A transfer
 * is refused `transfer_exists`, a payment `payment_exists`.
 */
export function decideMovementIdClaim(
  request: { movementId: string; kind: TransferKind },
  states: { claim: MovementIdState; otherKind: TransferState },
  now: Date,
): Decision<MovementIdEvent, 'transfer_exists'>;
export function decideMovementIdClaim(
  request: { movementId: string; kind: 'payment' },
  states: { claim: MovementIdState },
  now: Date,
): Decision<MovementIdEvent, 'payment_exists'>;
export function decideMovementIdClaim(
  request: { movementId: string; kind: MovementKind },
  states: { claim: MovementIdState; otherKind?: TransferState },
  now: Date,
): Decision<MovementIdEvent, 'transfer_exists' | 'payment_exists'> {
  if (states.claim.status !== 'none' || (states.otherKind && states.otherKind.status !== 'none')) {
    return request.kind === 'payment'
      ? reject('payment_exists', 'The payment already exists: a movement id is unique across payments and transfers.')
      : reject(
          'transfer_exists',
          'The transfer already exists: a movement id is unique across payments and transfers.',
        );
  }
  const { movementId, kind } = request;
  return accept({ type: 'MovementIdClaimed', data: { movementId, kind, at: now.toISOString() } });
}

/** The other kind: whose stream a claim is checked against, for transfers made before ids were claimed. */
export const otherTransferKind = (kind: TransferKind): TransferKind => (kind === 'deposit' ? 'withdrawal' : 'deposit');
