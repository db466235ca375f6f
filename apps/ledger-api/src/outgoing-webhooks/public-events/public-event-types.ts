/** The public event types of API.md, as integrators subscribe to them. */
export const PUBLIC_EVENT_TYPES = [
  'deposit.succeeded',
  'deposit.failed',
  'withdrawal.succeeded',
  'withdrawal.failed',
  'withdrawal.parked',
  'payment.authorized',
  'payment.captured',
  'payment.voided',
  'payment.expired',
  'payment.refunded',
  'payment.partially_refunded',
  'refund.succeeded',
  'review.opened',
  'review.resolved',
] as const;

export type PublicEventType = (typeof PUBLIC_EVENT_TYPES)[number];

/** An endpoint subscribed to this receives every type. */
export const ALL_EVENT_TYPES = '*';

/** A public event as the feed lists it and a webhook delivers it. */
export interface PublicEvent {
  id: string;
  type: PublicEventType;
  /** The ledger event's time, ISO 8601. */
  created: string;
  /** The ledger event's `$all` position. */
  position: string;
  /** The resource as the API shows it, at that moment. */
  data: unknown;
}
