/** How a bank callback is classified against the state of its transfer (API.md, Bank callbacks). */
export type CallbackOutcome = 'APPLY' | 'IGNORE' | 'REJECT' | 'MANUAL_REVIEW';

export type CallbackType = 'processing' | 'succeeded' | 'failed';

export type TransferStatus = 'pending' | 'parked' | 'processing' | 'succeeded' | 'failed';

/**
 * The table of API.md as data. Two rules stand outside it: a callback whose event id the transfer
 * has already seen is IGNOREd, and one for a transfer that does not exist is REJECTed.
 */
export const CALLBACK_CLASSIFICATION: Readonly<
  Record<TransferStatus, Readonly<Record<CallbackType, CallbackOutcome>>>
> = {
  pending: { processing: 'APPLY', succeeded: 'APPLY', failed: 'APPLY' },
  // The bank refused it, or stopped answering; whatever it now reports is what happened.
  parked: { processing: 'APPLY', succeeded: 'APPLY', failed: 'APPLY' },
  processing: { processing: 'APPLY', succeeded: 'APPLY', failed: 'APPLY' },
  succeeded: { processing: 'IGNORE', succeeded: 'IGNORE', failed: 'MANUAL_REVIEW' },
  failed: { processing: 'IGNORE', succeeded: 'MANUAL_REVIEW', failed: 'IGNORE' },
};
