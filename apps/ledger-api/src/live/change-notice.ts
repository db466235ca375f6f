import { RecordedEvent } from '@ledger/event-store';
import { AccountEvent, PaymentEvent, Role, TransferEvent } from '@ledger/ledger-domain';
import { reviewIdOf } from '../transfers';
import { encodeLiveCursor } from './live-cursor';

export type ChangeKind = 'account' | 'transfer' | 'payment' | 'user' | 'review' | 'other';

/** What the live channel says of one event: enough to know what to re-fetch, no balances. */
export interface ChangeNotice {
  position: string;
  type: string;
  stream: string;
  kind: ChangeKind;
  id: string;
  accountIds: string[];
  occurredAt: string;
}

/** A notice, the users (besides admins) who may see it, and its SSE message, formatted once for every session. */
export interface Change {
  notice: ChangeNotice;
  ownerUserIds: readonly string[];
  message: string;
}

/** The accounts a stream's events touch and who owns them, as its first event says. */
export interface Audience {
  accountIds: string[];
  ownerUserIds: string[];
}

/** Streams whose later events name neither accounts nor owners: those come from the first event. */
const AUDIENCE_STREAMS = new Set(['account', 'payment', 'deposit', 'withdrawal']);

const categoryOf = (streamName: string) => streamName.slice(0, Math.max(0, streamName.indexOf('-')));

/** Whether a notice of this stream's events needs the stream's audience (see `audienceOf`). */
export function needsAudience(streamName: string): boolean {
  return AUDIENCE_STREAMS.has(categoryOf(streamName));
}

/** The audience a stream's first event sets; undefined for an event that opens no such stream. */
export function audienceOf(first: RecordedEvent): Audience | undefined {
  const event = { type: first.type, data: first.data } as AccountEvent | PaymentEvent | TransferEvent;
  if (event.type === 'AccountOpened' || event.type === 'TransferRequested') {
    return { accountIds: [event.data.accountId], ownerUserIds: [event.data.userId] };
  }
  if (event.type === 'PaymentAuthorized') {
    return {
      accountIds: [event.data.payerAccountId, event.data.payeeAccountId],
      ownerUserIds: [...new Set([event.data.payerUserId, event.data.payeeUserId])],
    };
  }
  return undefined;
}

/**
 * The notice of one event and who may see it. `audience` is its stream's (needsAudience); without
 * one, or for reviews (an admin's work, as in GET /admin/reviews), users and other streams, only
 * admins see the event.
 */
export function changeOf(event: RecordedEvent, audience: Audience | undefined): Change {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const streamId = event.streamName.slice(categoryOf(event.streamName).length + 1);
  const notice = (kind: ChangeKind, id: string, accountIds: string[]): ChangeNotice => ({
    position: encodeLiveCursor(event.position),
    type: event.type,
    stream: event.streamName,
    kind,
    id,
    accountIds,
    occurredAt: event.createdAt.toISOString(),
  });
  const owned = (kind: ChangeKind): Change =>
    withMessage(notice(kind, streamId, audience?.accountIds ?? []), audience?.ownerUserIds ?? []);
  const adminsOnly = (kind: ChangeKind, id: string): Change => withMessage(notice(kind, id, []), []);

  switch (categoryOf(event.streamName)) {
    case 'account':
      return owned('account');
    case 'payment':
      return owned('payment');
    case 'deposit':
    case 'withdrawal':
      if (event.type === 'TransferFlaggedForReview' || event.type === 'ReviewResolved') {
        return adminsOnly('review', reviewIdOf(streamId, String(data.eventId)));
      }
      return owned('transfer');
    case 'user':
      return adminsOnly('user', streamId);
    case 'apikey':
      return adminsOnly('user', typeof data.userId === 'string' ? data.userId : streamId);
    default:
      return adminsOnly('other', streamId || event.streamName);
  }
}

function withMessage(notice: ChangeNotice, ownerUserIds: readonly string[]): Change {
  return {
    notice,
    ownerUserIds,
    message: `event: change\nid: ${notice.position}\ndata: ${JSON.stringify(notice)}\n\n`,
  };
}

/** Admins see every change; customers and merchants those of accounts they own. */
export function maySee(viewer: { userId: string; role: Role }, change: Pick<Change, 'ownerUserIds'>): boolean {
  return viewer.role === 'admin' || change.ownerUserIds.includes(viewer.userId);
}
