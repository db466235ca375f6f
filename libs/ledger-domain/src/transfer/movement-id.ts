import { accept, Decision, reject } from '../shared/result';
import { TransferKind } from './transfer';

/** What moves money under an id of its own: a payment, a deposit or a withdrawal. */
export type MovementKind = TransferKind | 'payment';

/**
 * A movement's id is its own across payments, deposits and withdrawals: the bank's callbacks and
 * the operators' actions name a transfer by its id alone, and the read models (transactions,
 * journal holds) key a movement by its bare id. An id the ledger derives is a UUID of version 8,
 * from a namespace of its own per kind, and a client may not choose one; so only a movement whose
 * id a client chose (a batch item's) can meet another of that id. Such a movement claims its id on
 * a stream of its own (`movementIdStreamName`), created in the same append, so that of two
 * movements given one id, whatever their kinds, only one is ever written.
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
 * The claim of a batch item's id: none for an id the ledger derived (`read` undefined: it was not
 * read), else refused `payment_exists` / `transfer_exists` when a movement holds the claim, or an
 * item before it in the batch took it (`claimedHere`, which an accepted claim joins).
 */
export function claimChosenId(
  request: { movementId: string; kind: MovementKind },
  read: MovementIdState | undefined,
  claimedHere: Map<string, MovementIdState>,
  now: Date,
): Decision<MovementIdEvent, 'payment_exists' | 'transfer_exists'> | undefined {
  if (!read) return undefined;
  const { movementId, kind } = request;
  if ((claimedHere.get(movementId) ?? read).status !== 'none') {
    return kind === 'payment'
      ? reject('payment_exists', 'The payment already exists: a movement id is unique across payments and transfers.')
      : reject(
          'transfer_exists',
          'The transfer already exists: a movement id is unique across payments and transfers.',
        );
  }
  claimedHere.set(movementId, { status: 'claimed', kind });
  return accept({ type: 'MovementIdClaimed', data: { movementId, kind, at: now.toISOString() } });
}
