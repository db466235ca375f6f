import { Currency } from '../money/currency';
import { accept, assertNever, Decision, reject } from '../shared/result';
import { CALLBACK_CLASSIFICATION, CallbackOutcome, CallbackType, TransferStatus } from './bank-callback-classification';

/**
 * Deposits and withdrawals share one lifecycle: pending → processing → succeeded | failed. A
 * transfer the bank refuses, or that could not be sent within the retry budget, is parked (its
 * hold kept) until an operator retries or cancels it.
 */
export type TransferKind = 'deposit' | 'withdrawal';

export type TransferEvent =
  | {
      type: 'TransferRequested';
      data: {
        transferId: string;
        kind: TransferKind;
        accountId: string;
        /** The account's owner, so that read models need not look it up. */
        userId: string;
        amount: string;
        currency: Currency;
        at: string;
      };
    }
  | { type: 'TransferSentToBank'; data: { transferId: string; at: string } }
  | { type: 'TransferParked'; data: { transferId: string; reason: string; attempts: number; at: string } }
  | {
      type: 'TransferRetryRequested';
      data: { transferId: string; requestedBy: string; reason: string | null; at: string };
    }
  | {
      type: 'BankCallbackReceived';
      data: {
        transferId: string;
        eventId: string;
        callbackType: CallbackType;
        failureReason: string | null;
        outcome: CallbackOutcome;
        at: string;
      };
    }
  | { type: 'TransferProcessing'; data: { transferId: string; at: string } }
  | { type: 'TransferSucceeded'; data: { transferId: string; at: string } }
  | {
      type: 'TransferFailed';
      /** `cancelledBy`: the operator who cancelled it, when no bank said so. */
      data: { transferId: string; reason: string; cancelledBy?: string; at: string };
    }
  | {
      type: 'TransferFlaggedForReview';
      data: { transferId: string; eventId: string; callbackType: CallbackType; reason: string; at: string };
    }
  | {
      type: 'ReviewResolved';
      data: {
        transferId: string;
        /** The callback that opened the review. */
        eventId: string;
        decision: ReviewDecision;
        note: string;
        resolvedBy: string;
        at: string;
      };
    }
  /** An operator took the bank's word over the ledger's: the transfer's outcome, and its money, follow it. */
  | {
      type: 'TransferCorrected';
      data: { transferId: string; status: 'succeeded' | 'failed'; failureReason: string | null; at: string };
    };

/** `accept_bank`: what the bank said stands; `keep_ledger`: the ledger's outcome stands. */
export type ReviewDecision = 'accept_bank' | 'keep_ledger';

export type TransferCommand =
  | {
      type: 'RequestTransfer';
      transferId: string;
      kind: TransferKind;
      accountId: string;
      userId: string;
      amount: bigint;
      currency: Currency;
    }
  | { type: 'MarkSentToBank' }
  | { type: 'HandleBankCallback'; eventId: string; callbackType: CallbackType; failureReason?: string }
  | { type: 'FailTransfer'; reason: string }
  | { type: 'ParkTransfer'; reason: string; attempts: number }
  | { type: 'RetryTransfer'; requestedBy: string; reason: string | null }
  | { type: 'CancelTransfer'; reason: string; cancelledBy: string }
  | { type: 'ResolveReview'; eventId: string; decision: ReviewDecision; note: string; resolvedBy: string };

export type TransferErrorCode =
  'transfer_exists' | 'transfer_not_found' | 'transfer_settled' | 'invalid_transfer_state' | 'review_not_open';

export type TransferState =
  | { status: 'none' }
  | {
      status: TransferStatus;
      transferId: string;
      kind: TransferKind;
      accountId: string;
      amount: bigint;
      currency: Currency;
      failureReason: string | null;
      parkedReason: string | null;
      sentToBank: boolean;
      /** Callback event ids already recorded: a repeat is ignored. */
      seenCallbacks: readonly string[];
      /** Reviews still open, by the id of the callback that opened them: what that callback said. */
      openReviews: Readonly<Record<string, CallbackType>>;
      createdAt: string;
      updatedAt: string;
    };

export const initialTransferState: TransferState = { status: 'none' };

export interface CallbackDecision {
  outcome: CallbackOutcome;
  events: TransferEvent[];
}

/** Classifies a bank callback and says what to record; the ledger answers the bank with `outcome`. */
export function classifyCallback(
  state: TransferState,
  command: Extract<TransferCommand, { type: 'HandleBankCallback' }>,
  now: Date,
): CallbackDecision {
  if (state.status === 'none') return { outcome: 'REJECT', events: [] };
  if (state.seenCallbacks.includes(command.eventId)) return { outcome: 'IGNORE', events: [] };
  const at = now.toISOString();
  const { transferId } = state;
  const outcome = CALLBACK_CLASSIFICATION[state.status][command.callbackType];
  const failureReason = command.callbackType === 'failed' ? (command.failureReason ?? 'bank_failure') : null;
  const recorded: TransferEvent = {
    type: 'BankCallbackReceived',
    data: { transferId, eventId: command.eventId, callbackType: command.callbackType, failureReason, outcome, at },
  };
  switch (outcome) {
    case 'IGNORE':
    case 'REJECT':
      return { outcome, events: [recorded] };
    case 'MANUAL_REVIEW':
      return {
        outcome,
        events: [
          recorded,
          {
            type: 'TransferFlaggedForReview',
            data: {
              transferId,
              eventId: command.eventId,
              callbackType: command.callbackType,
              reason: `A ${command.callbackType} callback arrived for a ${state.status} transfer`,
              at,
            },
          },
        ],
      };
    case 'APPLY':
      return { outcome, events: [recorded, transition(transferId, command.callbackType, failureReason, at)] };
    default:
      return assertNever(outcome);
  }
}

function transition(
  transferId: string,
  callbackType: CallbackType,
  failureReason: string | null,
  at: string,
): TransferEvent {
  switch (callbackType) {
    case 'processing':
      return { type: 'TransferProcessing', data: { transferId, at } };
    case 'succeeded':
      return { type: 'TransferSucceeded', data: { transferId, at } };
    case 'failed':
      return { type: 'TransferFailed', data: { transferId, reason: failureReason ?? 'bank_failure', at } };
    default:
      return assertNever(callbackType);
  }
}

export function decideTransfer(
  command: Exclude<TransferCommand, { type: 'HandleBankCallback' }>,
  state: TransferState,
  now: Date,
): Decision<TransferEvent, TransferErrorCode> {
  const at = now.toISOString();
  if (command.type === 'RequestTransfer') {
    if (state.status !== 'none') return reject('transfer_exists', 'The transfer already exists.');
    const { transferId, kind, accountId, userId, currency } = command;
    return accept({
      type: 'TransferRequested',
      data: { transferId, kind, accountId, userId, amount: command.amount.toString(), currency, at },
    });
  }
  if (state.status === 'none') return reject('transfer_not_found', 'The transfer does not exist.');
  const { transferId } = state;
  switch (command.type) {
    case 'MarkSentToBank':
      return state.sentToBank ? accept() : accept({ type: 'TransferSentToBank', data: { transferId, at } });
    case 'FailTransfer':
      if (state.status === 'succeeded' || state.status === 'failed') {
        return reject('transfer_settled', 'The transfer is already settled.');
      }
      return accept({ type: 'TransferFailed', data: { transferId, reason: command.reason, at } });
    case 'ParkTransfer':
      // Only what is still waiting for the bank to take it; anything else has moved on meanwhile.
      if (state.status !== 'pending') return accept();
      return accept({
        type: 'TransferParked',
        data: { transferId, reason: command.reason, attempts: command.attempts, at },
      });
    case 'RetryTransfer':
      if (state.status !== 'parked') {
        return reject('invalid_transfer_state', `A ${state.status} transfer cannot be sent again.`);
      }
      return accept({
        type: 'TransferRetryRequested',
        data: { transferId, requestedBy: command.requestedBy, reason: command.reason, at },
      });
    case 'CancelTransfer':
      // The bank may be moving money already on a transfer it was sent: only its answer settles it.
      if (state.status !== 'parked' && !(state.status === 'pending' && !state.sentToBank)) {
        return reject('invalid_transfer_state', `A ${state.status} transfer the bank has cannot be cancelled.`);
      }
      return accept({
        type: 'TransferFailed',
        data: { transferId, reason: command.reason, cancelledBy: command.cancelledBy, at },
      });
    case 'ResolveReview': {
      const said = state.openReviews[command.eventId];
      if (said === undefined) return reject('review_not_open', 'There is no open review of that callback.');
      const { eventId, decision, note, resolvedBy } = command;
      const resolved: TransferEvent = {
        type: 'ReviewResolved',
        data: { transferId, eventId, decision, note, resolvedBy, at },
      };
      // Only an outcome the bank gave can be taken over; a `processing` callback is never reviewed.
      // A review the transfer already agrees with (another review of the same outcome was accepted
      // first) moves no money: the correction happened once.
      if (decision === 'keep_ledger' || (said !== 'succeeded' && said !== 'failed') || said === state.status) {
        return accept(resolved);
      }
      const failureReason = said === 'failed' ? 'failed at the bank (found on review)' : null;
      return accept<TransferEvent>(resolved, {
        type: 'TransferCorrected',
        data: { transferId, status: said, failureReason, at },
      });
    }
    default:
      return assertNever(command);
  }
}

export function evolveTransfer(state: TransferState, event: TransferEvent): TransferState {
  if (event.type === 'TransferRequested') {
    const { transferId, kind, accountId, amount, currency, at } = event.data;
    return {
      status: 'pending',
      transferId,
      kind,
      accountId,
      amount: BigInt(amount),
      currency,
      failureReason: null,
      parkedReason: null,
      sentToBank: false,
      seenCallbacks: [],
      openReviews: {},
      createdAt: at,
      updatedAt: at,
    };
  }
  if (state.status === 'none') return state;
  const updatedAt = event.data.at;
  switch (event.type) {
    case 'TransferSentToBank':
      return { ...state, sentToBank: true, updatedAt };
    case 'TransferParked':
      return { ...state, status: 'parked', parkedReason: event.data.reason, updatedAt };
    case 'TransferRetryRequested':
      return { ...state, status: 'pending', parkedReason: null, sentToBank: false, updatedAt };
    case 'BankCallbackReceived':
      return { ...state, seenCallbacks: [...state.seenCallbacks, event.data.eventId], updatedAt };
    case 'TransferProcessing':
      return { ...state, status: 'processing', updatedAt };
    case 'TransferSucceeded':
      return { ...state, status: 'succeeded', updatedAt };
    case 'TransferFailed':
      return { ...state, status: 'failed', failureReason: event.data.reason, updatedAt };
    case 'TransferFlaggedForReview':
      return {
        ...state,
        openReviews: { ...state.openReviews, [event.data.eventId]: event.data.callbackType },
        updatedAt,
      };
    case 'ReviewResolved': {
      const { [event.data.eventId]: _resolved, ...openReviews } = state.openReviews;
      return { ...state, openReviews, updatedAt };
    }
    case 'TransferCorrected':
      return {
        ...state,
        status: event.data.status,
        failureReason: event.data.failureReason,
        updatedAt,
      };
    default:
      return assertNever(event);
  }
}

export const transferStreamName = (kind: TransferKind, transferId: string) => `${kind}-${transferId}`;

/**
 * The claim on a movement's id, whatever its kind: a payment's, a deposit's and a withdrawal's
 * streams differ, but a bank callback names only the id (see `claimChosenId`).
 */
export const movementIdStreamName = (movementId: string) => `movementid-${movementId}`;
