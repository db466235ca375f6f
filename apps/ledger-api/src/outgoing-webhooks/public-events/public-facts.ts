import { RecordedEvent } from '@ledger/event-store';
import {
  evolvePayment,
  evolveTransfer,
  initialPaymentState,
  initialTransferState,
  PAYMENT_EVENT_TYPES,
  PaymentEvent,
  PaymentState,
  TransferEvent,
  TransferKind,
  TransferState,
} from '@ledger/ledger-domain';
import { toPaymentResponse, toRefundResponse } from '../../payments';
import { reviewIdOf, toTransferResponse } from '../../transfers';
import { PublicEventType } from './public-event-types';

/** A resource the public events show, folded from its stream: what its next event is applied to. */
export type Resource =
  | { kind: 'payment'; ownerUserIds: string[]; state: PaymentState }
  | { kind: 'transfer'; ownerUserIds: string[]; state: TransferState };

/** One public event a ledger event gives rise to, before it has an id and a place. */
export interface PublicFact {
  type: PublicEventType;
  /** Who sees it besides admins; empty for admins only. */
  ownerUserIds: string[];
  data: unknown;
}

/**
 * The transfer statuses that are public facts, per kind: outcomes (a bank's, an operator's
 * cancellation, a correction after review), and a withdrawal parked with its hold kept.
 */
const TRANSFER_OUTCOMES: Record<TransferKind, Partial<Record<string, PublicEventType>>> = {
  deposit: { succeeded: 'deposit.succeeded', failed: 'deposit.failed' },
  withdrawal: { succeeded: 'withdrawal.succeeded', failed: 'withdrawal.failed', parked: 'withdrawal.parked' },
};

/** Whether the public events fold this stream (payments, deposits, withdrawals). */
export function isPublicResourceStream(streamName: string): boolean {
  return /^(payment|deposit|withdrawal)-/.test(streamName);
}

/**
 * Folds one ledger event of a resource's stream into the resource and says which public facts it
 * is, each showing the resource as the API would at that moment. Pure: the projection stores
 * what it returns.
 */
export function publicFactsOf(
  event: RecordedEvent,
  resource: Resource | undefined,
): { resource: Resource | undefined; facts: PublicFact[] } {
  if (event.streamName.startsWith('payment-')) {
    if (!PAYMENT_EVENT_TYPES.has(event.type)) return { resource, facts: [] };
    return paymentFacts(
      event as RecordedEvent<PaymentEvent['type']>,
      resource?.kind === 'payment' ? resource : undefined,
    );
  }
  return transferFacts(
    event as RecordedEvent<TransferEvent['type']>,
    resource?.kind === 'transfer' ? resource : undefined,
  );
}

function paymentFacts(
  recorded: RecordedEvent<PaymentEvent['type']>,
  resource: Extract<Resource, { kind: 'payment' }> | undefined,
): { resource: Resource | undefined; facts: PublicFact[] } {
  const event = { type: recorded.type, data: recorded.data } as PaymentEvent;
  const state = evolvePayment(resource?.state ?? initialPaymentState, event);
  if (state.status === 'none') return { resource, facts: [] };
  const ownerUserIds = [...new Set([state.payerUserId, state.payeeUserId])];
  const payment = toPaymentResponse(state);
  const facts: PublicFact[] = [];
  if (event.type === 'PaymentRefunded') {
    facts.push({ type: 'refund.succeeded', ownerUserIds, data: toRefundResponse(event.data, payment) });
  }
  facts.push({ type: `payment.${state.status}`, ownerUserIds, data: payment });
  return { resource: { kind: 'payment', ownerUserIds, state }, facts };
}

function transferFacts(
  recorded: RecordedEvent<TransferEvent['type']>,
  resource: Extract<Resource, { kind: 'transfer' }> | undefined,
): { resource: Resource | undefined; facts: PublicFact[] } {
  const event = { type: recorded.type, data: recorded.data } as TransferEvent;
  const before = resource?.state ?? initialTransferState;
  const state = evolveTransfer(before, event);
  if (state.status === 'none') return { resource, facts: [] };
  const ownerUserIds = event.type === 'TransferRequested' ? [event.data.userId] : (resource?.ownerUserIds ?? []);
  const next: Resource = { kind: 'transfer', ownerUserIds, state };
  if (event.type === 'TransferFlaggedForReview') {
    const review = event.data;
    // Review items are an admin's work (GET /admin/reviews): admins only.
    return {
      resource: next,
      facts: [
        {
          type: 'review.opened',
          ownerUserIds: [],
          data: {
            id: reviewIdOf(review.transferId, review.eventId),
            transferId: review.transferId,
            eventId: review.eventId,
            callbackType: review.callbackType,
            transferStatus: state.status,
            reason: review.reason,
            status: 'open',
            createdAt: review.at,
          },
        },
      ],
    };
  }
  if (event.type === 'ReviewResolved' && before.status !== 'none') {
    const { transferId, eventId, decision, note, resolvedBy, at } = event.data;
    const facts: PublicFact[] = [
      {
        type: 'review.resolved',
        ownerUserIds: [],
        data: {
          id: reviewIdOf(transferId, eventId),
          transferId,
          eventId,
          callbackType: before.openReviews[eventId] ?? null,
          status: 'resolved',
          decision,
          note,
          resolvedBy,
          resolvedAt: at,
        },
      },
    ];
    return { resource: next, facts };
  }
  const outcome = state.status !== before.status ? TRANSFER_OUTCOMES[state.kind][state.status] : undefined;
  return {
    resource: next,
    facts: outcome ? [{ type: outcome, ownerUserIds, data: toTransferResponse(state) }] : [],
  };
}
